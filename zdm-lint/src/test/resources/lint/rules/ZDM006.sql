-- The cases of rule ZDM006: each is linted as one migration and must produce exactly the listed rule ids (ZDM006
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: validated-check
-- expect: ZDM006
ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0);

-- case: unnamed-validated-check
-- expect: ZDM006
ALTER TABLE orders ADD CHECK (amount > 0);

-- ===================================================================== near misses: must produce nothing

-- case: check-not-valid
-- expect: none
ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;

-- The cases of rule ZDM006: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM006 first among them). Header lines of a case are described in README.md beside this file.

-- case: validated-check
-- expect: ZDM006
ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0);

-- case: unnamed-validated-check
-- expect: ZDM006
ALTER TABLE orders ADD CHECK (amount > 0);

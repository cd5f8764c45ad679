-- The cases of rule ZDM900: each is linted as one migration and must produce exactly the listed rule ids (ZDM900
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: suppression-without-reason
-- expect: ZDM900, ZDM001
-- zdm:allow ZDM001
CREATE INDEX idx_orders_customer ON orders (customer_id);

-- case: suppression-of-unknown-rule
-- expect: ZDM900, ZDM001
-- zdm:allow ZDM999 it is fine
CREATE INDEX idx_orders_customer ON orders (customer_id);

-- ===================================================================== near misses: must produce nothing

-- case: suppression-with-reason
-- expect: none
-- zdm:allow ZDM001 orders holds 12 rows in every environment
CREATE INDEX idx_orders_customer ON orders (customer_id);

-- case: trailing-suppression-on-the-same-line
-- expect: none
CREATE INDEX idx_orders_customer ON orders (customer_id); -- zdm:allow ZDM001 lookup table, 40 rows

-- case: suppression-of-two-rules
-- expect: none
/* zdm:allow ZDM016, ZDM017 a view keeps the old names until the next release */
ALTER TABLE users RENAME COLUMN email TO email_address;

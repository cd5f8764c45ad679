-- The cases of rule ZDM900: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM900 first among them). Header lines of a case are described in README.md beside this file.

-- case: suppression-without-reason
-- expect: ZDM900, ZDM001
-- zdm:allow ZDM001
CREATE INDEX idx_orders_customer ON orders (customer_id);

-- case: suppression-of-unknown-rule
-- expect: ZDM900, ZDM001
-- zdm:allow ZDM999 it is fine
CREATE INDEX idx_orders_customer ON orders (customer_id);

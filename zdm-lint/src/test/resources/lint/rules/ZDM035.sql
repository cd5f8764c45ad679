-- The cases of rule ZDM035: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM035 first among them). Header lines of a case are described in README.md beside this file.

-- case: validate-in-the-adding-transaction
-- expect: ZDM035
BEGIN;
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;
COMMIT;

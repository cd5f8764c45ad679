-- The cases of rule ZDM035: each is linted as one migration and must produce exactly the listed rule ids (ZDM035
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: validate-in-the-adding-transaction
-- expect: ZDM035
BEGIN;
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;
COMMIT;

-- ===================================================================== near misses: must produce nothing

-- case: validate-after-commit
-- expect: none
BEGIN;
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
COMMIT;
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;

-- case: validate-in-a-later-statement-outside-a-transaction
-- expect: none
ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive;

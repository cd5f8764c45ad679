-- The cases of rule ZDM005: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM005 first among them). Header lines of a case are described in README.md beside this file.

-- case: validated-foreign-key
-- expect: ZDM005
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);

-- case: add-column-with-inline-foreign-key
-- expect: ZDM005
ALTER TABLE orders ADD COLUMN shop_id bigint REFERENCES shops (id);

-- The cases of rule ZDM005: each is linted as one migration and must produce exactly the listed rule ids (ZDM005
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: validated-foreign-key
-- expect: ZDM005
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);

-- case: add-column-with-inline-foreign-key
-- expect: ZDM005
ALTER TABLE orders ADD COLUMN shop_id bigint REFERENCES shops (id);

-- ===================================================================== near misses: must produce nothing

-- case: constrain-a-table-created-in-the-same-migration
-- given: CREATE TABLE customers (id bigint PRIMARY KEY);
-- expect: none
CREATE TABLE carts (id bigint PRIMARY KEY, customer_id bigint, code text);
ALTER TABLE carts ADD CONSTRAINT carts_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
ALTER TABLE carts ADD CONSTRAINT carts_code_key UNIQUE (code);
ALTER TABLE carts ALTER COLUMN code SET NOT NULL;
ALTER TABLE carts ADD CHECK (length(code) > 3);

-- case: foreign-key-not-valid
-- expect: none
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;

-- case: validate-constraint-on-its-own
-- expect: none
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;

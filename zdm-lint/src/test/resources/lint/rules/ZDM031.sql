-- The cases of rule ZDM031: each is linted as one migration and must produce exactly the listed rule ids (ZDM031
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: foreign-key-type-mismatch
-- given: CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
-- expect: ZDM031
CREATE TABLE invoices (id bigint PRIMARY KEY, customer_id integer REFERENCES customers (id));

-- case: foreign-key-type-mismatch-added-later
-- given: CREATE TABLE customers (id bigint PRIMARY KEY);
-- given: CREATE TABLE invoices (id bigint PRIMARY KEY, customer_id int);
-- expect: ZDM031
ALTER TABLE invoices ADD CONSTRAINT invoices_customer_fk FOREIGN KEY (customer_id) REFERENCES customers NOT VALID;

-- ===================================================================== near misses: must produce nothing

-- case: foreign-key-with-matching-type
-- given: CREATE TABLE customers (id bigserial PRIMARY KEY);
-- expect: none
CREATE TABLE invoices (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers);

-- case: self-referencing-foreign-key
-- expect: none
CREATE TABLE categories (id bigint PRIMARY KEY, parent_id bigint REFERENCES categories (id));

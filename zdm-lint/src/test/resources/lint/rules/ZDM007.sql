-- The cases of rule ZDM007: each is linted as one migration and must produce exactly the listed rule ids (ZDM007
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: set-not-null
-- expect: ZDM007
ALTER TABLE orders ALTER COLUMN status SET NOT NULL;

-- case: set-not-null-with-check-not-yet-validated
-- given: CREATE TABLE orders (id bigint PRIMARY KEY, status text);
-- given: ALTER TABLE orders ADD CONSTRAINT orders_status_nn CHECK (status IS NOT NULL) NOT VALID;
-- expect: ZDM007
ALTER TABLE orders ALTER COLUMN status SET NOT NULL;

-- case: set-not-null-pg11-cannot-use-valid-check
-- version: 11
-- given: CREATE TABLE orders (id bigint PRIMARY KEY, status text);
-- given: ALTER TABLE orders ADD CONSTRAINT orders_status_nn CHECK (status IS NOT NULL) NOT VALID;
-- given: ALTER TABLE orders VALIDATE CONSTRAINT orders_status_nn;
-- expect: ZDM007
ALTER TABLE orders ALTER COLUMN status SET NOT NULL;

-- case: add-not-null-constraint-validated-pg18
-- version: 18
-- expect: ZDM007
ALTER TABLE orders ADD CONSTRAINT orders_status_nn NOT NULL status;

-- ===================================================================== near misses: must produce nothing

-- case: set-not-null-proven-by-valid-check
-- given: CREATE TABLE orders (id bigint PRIMARY KEY, status text);
-- given: ALTER TABLE orders ADD CONSTRAINT orders_status_nn CHECK (status IS NOT NULL) NOT VALID;
-- given: ALTER TABLE orders VALIDATE CONSTRAINT orders_status_nn;
-- expect: none
ALTER TABLE orders ALTER COLUMN status SET NOT NULL;

-- case: not-null-not-valid-pg18
-- version: 18
-- expect: none
ALTER TABLE orders ADD CONSTRAINT orders_status_nn NOT NULL status NOT VALID;

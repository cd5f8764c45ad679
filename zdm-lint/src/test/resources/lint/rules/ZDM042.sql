-- The cases of rule ZDM042: each is linted as one migration and must produce exactly the listed rule ids (ZDM042
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: numeric-precision-growth-rechecks-a-validated-check
-- given: CREATE TABLE prices (id bigint PRIMARY KEY, amount numeric(10,2) CHECK (amount >= 0));
-- expect: ZDM042
ALTER TABLE prices ALTER COLUMN amount TYPE numeric(12,2);

-- case: varchar-widening-rechecks-a-table-check
-- given: CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100), CONSTRAINT users_email_shape CHECK (email LIKE '%@%'));
-- expect: ZDM042
ALTER TABLE users ALTER COLUMN email TYPE varchar(200);

-- ===================================================================== near misses: must produce nothing

-- case: numeric-precision-growth-without-a-check
-- given: CREATE TABLE prices (id bigint PRIMARY KEY, amount numeric(10,2));
-- expect: none
ALTER TABLE prices ALTER COLUMN amount TYPE numeric(12,2);

-- case: numeric-precision-growth-after-dropping-the-check
-- given: CREATE TABLE prices (id bigint PRIMARY KEY, amount numeric(10,2), CONSTRAINT prices_amount_check CHECK (amount >= 0));
-- expect: none
ALTER TABLE prices DROP CONSTRAINT prices_amount_check;
ALTER TABLE prices ALTER COLUMN amount TYPE numeric(12,2);
ALTER TABLE prices ADD CONSTRAINT prices_amount_check CHECK (amount >= 0) NOT VALID;

-- case: numeric-precision-growth-with-a-not-valid-check
-- given: CREATE TABLE prices (id bigint PRIMARY KEY, amount numeric(10,2));
-- given: ALTER TABLE prices ADD CONSTRAINT prices_amount_check CHECK (amount >= 0) NOT VALID;
-- expect: none
ALTER TABLE prices ALTER COLUMN amount TYPE numeric(12,2);

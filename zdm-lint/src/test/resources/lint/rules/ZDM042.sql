-- The cases of rule ZDM042: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM042 first among them). Header lines of a case are described in README.md beside this file.

-- case: numeric-precision-growth-rechecks-a-validated-check
-- given: CREATE TABLE prices (id bigint PRIMARY KEY, amount numeric(10,2) CHECK (amount >= 0));
-- expect: ZDM042
ALTER TABLE prices ALTER COLUMN amount TYPE numeric(12,2);

-- case: varchar-widening-rechecks-a-table-check
-- given: CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100), CONSTRAINT users_email_shape CHECK (email LIKE '%@%'));
-- expect: ZDM042
ALTER TABLE users ALTER COLUMN email TYPE varchar(200);

-- The cases of rule ZDM020: each is linted as one migration and must produce exactly the listed rule ids (ZDM020
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: drop-not-null
-- expect: ZDM020
ALTER TABLE users ALTER COLUMN phone DROP NOT NULL;

-- ===================================================================== near misses: must produce nothing

-- case: drop-not-null-on-new-table
-- expect: none
CREATE TABLE notes (id bigint PRIMARY KEY, body text NOT NULL);
ALTER TABLE notes ALTER COLUMN body DROP NOT NULL;

-- The cases of rule ZDM020: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM020 first among them). Header lines of a case are described in README.md beside this file.

-- case: drop-not-null
-- expect: ZDM020
ALTER TABLE users ALTER COLUMN phone DROP NOT NULL;

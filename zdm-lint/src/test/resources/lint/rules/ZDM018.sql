-- The cases of rule ZDM018: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM018 first among them). Header lines of a case are described in README.md beside this file.

-- case: drop-column
-- expect: ZDM018
ALTER TABLE users DROP COLUMN IF EXISTS legacy_flag;

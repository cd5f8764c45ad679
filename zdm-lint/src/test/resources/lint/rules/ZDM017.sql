-- The cases of rule ZDM017: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM017 first among them). Header lines of a case are described in README.md beside this file.

-- case: rename-table
-- expect: ZDM017
ALTER TABLE users RENAME TO accounts;

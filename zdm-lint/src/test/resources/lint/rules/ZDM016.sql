-- The cases of rule ZDM016: each is linted as one migration and must produce exactly the listed rule ids (ZDM016
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: rename-column
-- expect: ZDM016
ALTER TABLE users RENAME COLUMN email TO email_address;

-- The cases of rule ZDM012: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM012 first among them). Header lines of a case are described in README.md beside this file.

-- case: add-stored-generated-column
-- expect: ZDM012
ALTER TABLE users ADD COLUMN email_lower text GENERATED ALWAYS AS (lower(email)) STORED;

-- case: add-virtual-generated-column-before-pg18
-- version: 17
-- expect: ZDM012
ALTER TABLE users ADD COLUMN email_lower text GENERATED ALWAYS AS (lower(email));

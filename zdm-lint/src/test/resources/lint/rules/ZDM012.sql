-- The cases of rule ZDM012: each is linted as one migration and must produce exactly the listed rule ids (ZDM012
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: add-stored-generated-column
-- expect: ZDM012
ALTER TABLE users ADD COLUMN email_lower text GENERATED ALWAYS AS (lower(email)) STORED;

-- case: add-virtual-generated-column-before-pg18
-- version: 17
-- expect: ZDM012
ALTER TABLE users ADD COLUMN email_lower text GENERATED ALWAYS AS (lower(email));

-- ===================================================================== near misses: must produce nothing

-- case: virtual-generated-column-pg18
-- version: 18
-- expect: none
ALTER TABLE users ADD COLUMN full_name text GENERATED ALWAYS AS (first_name || ' ' || last_name) VIRTUAL;

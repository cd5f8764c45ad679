-- The cases of rule ZDM043: each is linted as one migration and must produce exactly the listed rule ids (ZDM043
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: update-a-system-catalog
-- expect: ZDM043
UPDATE pg_catalog.pg_attribute SET attnotnull = true WHERE attrelid = 'orders'::regclass AND attname = 'status';

-- case: delete-from-a-system-catalog-by-its-unqualified-name
-- expect: ZDM043
DELETE FROM pg_depend WHERE objid = 42;

-- The cases of rule ZDM041: each is linted as one migration and must produce exactly the listed rule ids (ZDM041
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: alter-schema-rename
-- expect: ZDM041
ALTER SCHEMA billing RENAME TO invoicing;

-- ===================================================================== near misses: must produce nothing

-- case: alter-schema-owner
-- expect: none
ALTER SCHEMA billing OWNER TO migrator;

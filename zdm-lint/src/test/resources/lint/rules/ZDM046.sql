-- The cases of rule ZDM046: each is linted as one migration and must produce exactly the listed rule ids (ZDM046
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: drop-schema-cascade
-- expect: ZDM046
DROP SCHEMA legacy CASCADE;

-- ===================================================================== near misses: must produce nothing

-- case: drop-empty-schema
-- expect: none
DROP SCHEMA IF EXISTS legacy;

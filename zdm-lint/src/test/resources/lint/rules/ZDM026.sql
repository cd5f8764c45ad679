-- The cases of rule ZDM026: each is linted as one migration and must produce exactly the listed rule ids (ZDM026
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: truncate-cascade
-- expect: ZDM026
TRUNCATE TABLE customers CASCADE;

-- ===================================================================== near misses: must produce nothing

-- case: truncate-without-cascade
-- expect: none
TRUNCATE staging_import;

-- The cases of rule ZDM023: each is linted as one migration and must produce exactly the listed rule ids (ZDM023
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: vacuum-full
-- expect: ZDM023
VACUUM FULL orders;

-- case: vacuum-full-option-list
-- expect: ZDM023
VACUUM (FULL, ANALYZE) orders;

-- ===================================================================== near misses: must produce nothing

-- case: vacuum-and-analyze
-- expect: none
VACUUM (ANALYZE, VERBOSE) orders;
ANALYZE orders;

-- The cases of rule ZDM023: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM023 first among them). Header lines of a case are described in README.md beside this file.

-- case: vacuum-full
-- expect: ZDM023
VACUUM FULL orders;

-- case: vacuum-full-option-list
-- expect: ZDM023
VACUUM (FULL, ANALYZE) orders;

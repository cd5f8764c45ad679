-- The cases of rule ZDM046: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM046 first among them). Header lines of a case are described in README.md beside this file.

-- case: drop-schema-cascade
-- expect: ZDM046
DROP SCHEMA legacy CASCADE;

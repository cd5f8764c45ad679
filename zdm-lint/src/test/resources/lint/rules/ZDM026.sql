-- The cases of rule ZDM026: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM026 first among them). Header lines of a case are described in README.md beside this file.

-- case: truncate-cascade
-- expect: ZDM026
TRUNCATE TABLE customers CASCADE;

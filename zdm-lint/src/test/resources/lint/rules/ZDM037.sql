-- The cases of rule ZDM037: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM037 first among them). Header lines of a case are described in README.md beside this file.

-- case: lock-table
-- expect: ZDM037
LOCK TABLE orders;

-- case: lock-table-share-row-exclusive
-- expect: ZDM037
LOCK TABLE orders IN SHARE ROW EXCLUSIVE MODE;

-- The cases of rule ZDM024: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM024 first among them). Header lines of a case are described in README.md beside this file.

-- case: cluster
-- expect: ZDM024
CLUSTER orders USING orders_pkey;

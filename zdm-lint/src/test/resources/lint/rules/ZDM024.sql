-- The cases of rule ZDM024: each is linted as one migration and must produce exactly the listed rule ids (ZDM024
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: cluster
-- expect: ZDM024
CLUSTER orders USING orders_pkey;

-- ===================================================================== near misses: must produce nothing

-- case: cluster-a-new-table
-- expect: none
CREATE TABLE sorted (id bigint PRIMARY KEY);
CLUSTER sorted USING sorted_pkey;

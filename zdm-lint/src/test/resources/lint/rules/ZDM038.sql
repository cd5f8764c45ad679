-- The cases of rule ZDM038: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM038 first among them). Header lines of a case are described in README.md beside this file.

-- case: refresh-materialized-view
-- expect: ZDM038
REFRESH MATERIALIZED VIEW order_totals;

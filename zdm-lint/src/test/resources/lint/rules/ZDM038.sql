-- The cases of rule ZDM038: each is linted as one migration and must produce exactly the listed rule ids (ZDM038
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: refresh-materialized-view
-- expect: ZDM038
REFRESH MATERIALIZED VIEW order_totals;

-- ===================================================================== near misses: must produce nothing

-- case: refresh-materialized-view-concurrently
-- expect: none
REFRESH MATERIALIZED VIEW CONCURRENTLY order_totals;

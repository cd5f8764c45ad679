-- The cases of rule ZDM033: each is linted as one migration and must produce exactly the listed rule ids (ZDM033
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: create-index-concurrently-without-if-not-exists
-- expect: ZDM033
CREATE INDEX CONCURRENTLY idx_orders_status ON orders (status);

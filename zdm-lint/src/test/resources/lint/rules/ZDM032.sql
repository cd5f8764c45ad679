-- The cases of rule ZDM032: each is linted as one migration and must produce exactly the listed rule ids (ZDM032
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: enum-value-rename
-- expect: ZDM032
ALTER TYPE order_status RENAME VALUE 'shipped' TO 'dispatched';

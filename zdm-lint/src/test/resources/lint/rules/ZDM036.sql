-- The cases of rule ZDM036: each is linted as one migration and must produce exactly the listed rule ids (ZDM036
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: set-tablespace
-- expect: ZDM036
ALTER TABLE orders SET TABLESPACE fast_ssd;

-- case: set-logged
-- expect: ZDM036
ALTER TABLE import_rows SET LOGGED;

-- ===================================================================== near misses: must produce nothing

-- case: set-statistics
-- expect: none
ALTER TABLE users ALTER COLUMN email SET STATISTICS 500;

-- case: storage-parameters
-- expect: none
ALTER TABLE orders SET (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.01);

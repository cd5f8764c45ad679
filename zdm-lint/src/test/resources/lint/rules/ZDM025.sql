-- The cases of rule ZDM025: each is linted as one migration and must produce exactly the listed rule ids (ZDM025
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: detach-partition
-- expect: ZDM025
ALTER TABLE measurements DETACH PARTITION measurements_2020;

-- case: detach-partition-pg13
-- version: 13
-- expect: ZDM025
ALTER TABLE measurements DETACH PARTITION measurements_2020;

-- ===================================================================== near misses: must produce nothing

-- case: detach-partition-concurrently
-- expect: none
ALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY;

-- case: detach-partition-finalize
-- expect: none
ALTER TABLE measurements DETACH PARTITION measurements_2020 FINALIZE;

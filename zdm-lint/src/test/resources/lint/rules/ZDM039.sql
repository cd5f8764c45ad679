-- The cases of rule ZDM039: each is linted as one migration and must produce exactly the listed rule ids (ZDM039
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: attach-partition
-- expect: ZDM039
ALTER TABLE measurements ATTACH PARTITION measurements_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

-- ===================================================================== near misses: must produce nothing

-- case: attach-a-partition-created-in-the-same-migration
-- expect: none
CREATE TABLE measurements_2025 (LIKE measurements INCLUDING DEFAULTS);
ALTER TABLE measurements ATTACH PARTITION measurements_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

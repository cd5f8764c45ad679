-- The cases of rule ZDM039: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM039 first among them). Header lines of a case are described in README.md beside this file.

-- case: attach-partition
-- expect: ZDM039
ALTER TABLE measurements ATTACH PARTITION measurements_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

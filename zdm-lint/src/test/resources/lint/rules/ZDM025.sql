-- The cases of rule ZDM025: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM025 first among them). Header lines of a case are described in README.md beside this file.

-- case: detach-partition
-- expect: ZDM025
ALTER TABLE measurements DETACH PARTITION measurements_2020;

-- case: detach-partition-pg13
-- version: 13
-- expect: ZDM025
ALTER TABLE measurements DETACH PARTITION measurements_2020;

-- The cases of rule ZDM040: each is linted as one migration and must produce exactly the listed rule ids (ZDM040
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: timestamp-without-time-zone
-- expect: ZDM040
CREATE TABLE visits (id bigint PRIMARY KEY, at timestamp NOT NULL);

-- The cases of rule ZDM009: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM009 first among them). Header lines of a case are described in README.md beside this file.

-- case: add-primary-key
-- expect: ZDM009
ALTER TABLE users ADD PRIMARY KEY (id);

-- case: add-column-with-inline-primary-key
-- expect: ZDM009, ZDM014
ALTER TABLE legacy_events ADD COLUMN id bigint PRIMARY KEY;

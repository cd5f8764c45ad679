-- The cases of rule ZDM009: each is linted as one migration and must produce exactly the listed rule ids (ZDM009
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: add-primary-key
-- expect: ZDM009
ALTER TABLE users ADD PRIMARY KEY (id);

-- case: add-column-with-inline-primary-key
-- expect: ZDM009, ZDM014
ALTER TABLE legacy_events ADD COLUMN id bigint PRIMARY KEY;

-- ===================================================================== near misses: must produce nothing

-- case: primary-key-using-index
-- expect: none
ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX ux_users_id;

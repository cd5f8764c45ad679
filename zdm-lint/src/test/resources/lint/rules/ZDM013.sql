-- The cases of rule ZDM013: each is linted as one migration and must produce exactly the listed rule ids (ZDM013
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: add-bigserial-column
-- expect: ZDM013
ALTER TABLE users ADD COLUMN seq bigserial;

-- case: add-identity-column
-- expect: ZDM013
ALTER TABLE users ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY;

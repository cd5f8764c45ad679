-- The cases of rule ZDM013: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM013 first among them). Header lines of a case are described in README.md beside this file.

-- case: add-bigserial-column
-- expect: ZDM013
ALTER TABLE users ADD COLUMN seq bigserial;

-- case: add-identity-column
-- expect: ZDM013
ALTER TABLE users ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY;

-- The cases of rule ZDM011: each is linted as one migration and must produce exactly the listed rule ids (ZDM011
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: add-column-volatile-default-uuid
-- expect: ZDM011
ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();

-- case: add-column-volatile-default-clock
-- expect: ZDM011
ALTER TABLE users ADD COLUMN seen_at timestamptz NOT NULL DEFAULT clock_timestamp();

-- case: add-column-default-of-unknown-function
-- expect: ZDM011
ALTER TABLE users ADD COLUMN code text DEFAULT app.make_code();

-- case: add-column-constant-default-pg10
-- version: 10
-- expect: ZDM011
ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;

-- case: several-findings-in-one-statement
-- expect: ZDM011, ZDM014
ALTER TABLE orders ADD COLUMN ref uuid DEFAULT gen_random_uuid(), ADD COLUMN shop bigint NOT NULL;

-- ===================================================================== near misses: must produce nothing

-- case: add-column-constant-default
-- expect: none
ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;

-- case: add-column-now-default-is-not-volatile
-- expect: none
ALTER TABLE users ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();

-- case: add-column-current-timestamp-default
-- expect: none
ALTER TABLE users ADD COLUMN updated_at timestamptz DEFAULT CURRENT_TIMESTAMP;

-- case: add-column-cast-default
-- expect: none
ALTER TABLE users ADD COLUMN settings jsonb NOT NULL DEFAULT '{}'::jsonb;

-- case: add-column-cast-function-syntax-default
-- expect: none
ALTER TABLE users ADD COLUMN label varchar(20) DEFAULT CAST('none' AS varchar(20));

-- case: set-volatile-default-affects-new-rows-only
-- expect: none
ALTER TABLE users ALTER COLUMN token SET DEFAULT gen_random_uuid();

-- case: drop-default
-- expect: none
ALTER TABLE users ALTER COLUMN token DROP DEFAULT;

-- case: uuid-primary-key-with-volatile-default-in-new-table
-- expect: none
CREATE TABLE api_keys (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), owner bigint NOT NULL);

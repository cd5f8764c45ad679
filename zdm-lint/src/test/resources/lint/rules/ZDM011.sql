-- The cases of rule ZDM011: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM011 first among them). Header lines of a case are described in README.md beside this file.

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

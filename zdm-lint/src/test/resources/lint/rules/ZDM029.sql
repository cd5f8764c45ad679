-- The cases of rule ZDM029: each is linted as one migration and must produce exactly the listed rule ids (ZDM029
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: json-column-in-new-table
-- expect: ZDM029
CREATE TABLE payloads (id bigint PRIMARY KEY, body json NOT NULL);

-- case: json-column-added
-- expect: ZDM029
ALTER TABLE users ADD COLUMN preferences json;

-- ===================================================================== near misses: must produce nothing

-- case: jsonb-timestamptz-bigint-identity
-- expect: none
CREATE TABLE webhooks (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, payload jsonb NOT NULL, received_at timestamptz NOT NULL DEFAULT now());

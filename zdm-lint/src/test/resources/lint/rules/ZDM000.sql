-- The cases of rule ZDM000: each is linted as one migration and must produce exactly the listed rule ids (ZDM000
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: unparsed-statement
-- expect: ZDM000
FROBNICATE orders;

-- case: unparsed-alter-table-action
-- expect: ZDM000
ALTER TABLE orders FROBNICATE COLUMN x;

-- case: do-block-execute-built-sql
-- expect: ZDM000
DO $$
DECLARE
  t text := 'orders';
BEGIN
  EXECUTE format('TRUNCATE %I', t);
END
$$;

-- ===================================================================== near misses: must produce nothing

-- case: ddl-words-inside-a-string
-- expect: none
INSERT INTO audit (message) VALUES ('CREATE INDEX idx ON orders (x); DROP TABLE users; VACUUM FULL;');

-- case: ddl-inside-an-escape-string
-- expect: none
INSERT INTO audit (message) VALUES (E'it\'s; DROP TABLE users; --');

-- case: ddl-inside-a-dollar-quoted-body
-- expect: none
CREATE OR REPLACE FUNCTION audit_trigger() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  EXECUTE 'ALTER TABLE users DROP COLUMN email; CREATE INDEX x ON orders (y)';
  RETURN NEW;
END
$body$;

-- case: ddl-inside-comments
-- expect: none
/* DROP TABLE users; /* nested: VACUUM FULL orders; */ still a comment; */
-- ALTER TABLE users RENAME TO people;
SELECT 1;

-- case: sql-standard-function-body
-- expect: none
CREATE FUNCTION order_total(o bigint) RETURNS numeric LANGUAGE sql
BEGIN ATOMIC
  SELECT CASE WHEN count(*) = 0 THEN 0 ELSE sum(amount) END FROM order_lines WHERE order_id = o;
END;

-- case: quoted-identifiers-new-table
-- expect: none
CREATE TABLE "Order Items" ("Id" bigint PRIMARY KEY, "Sku" text);
CREATE INDEX ON "Order Items" ("Sku");

-- case: harmless-objects
-- expect: none
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE SCHEMA IF NOT EXISTS reporting;
CREATE SEQUENCE invoice_numbers;
CREATE OR REPLACE VIEW active_users AS SELECT * FROM users WHERE active;
CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');
COMMENT ON TABLE users IS 'People; DROP TABLE users';
GRANT SELECT ON users TO reporting;
ALTER SEQUENCE invoice_numbers RESTART WITH 1000;

-- case: set-search-path-and-role
-- expect: none
SET search_path TO app, public;
SET ROLE migrator;
RESET ROLE;

-- case: do-block-without-ddl
-- expect: none
DO $$ BEGIN RAISE NOTICE 'migration 42 starts'; END $$;

-- case: temporary-table-is-private-to-the-session
-- expect: none
CREATE TEMP TABLE import_batch (id bigint, payload text);
CREATE INDEX ON import_batch (id);

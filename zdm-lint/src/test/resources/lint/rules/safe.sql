-- Near misses: statements that look unsafe and are not. Each case is linted as one migration and must
-- produce no finding. Header lines of a case are described in README.md beside this file.

-- case: create-index-concurrently
-- expect: none
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_customer ON orders (customer_id);

-- case: create-table-and-index-it
-- expect: none
CREATE TABLE items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);
CREATE INDEX idx_items_name ON items (name);

-- case: constrain-a-table-created-in-the-same-migration
-- given: CREATE TABLE customers (id bigint PRIMARY KEY);
-- expect: none
CREATE TABLE carts (id bigint PRIMARY KEY, customer_id bigint, code text);
ALTER TABLE carts ADD CONSTRAINT carts_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
ALTER TABLE carts ADD CONSTRAINT carts_code_key UNIQUE (code);
ALTER TABLE carts ALTER COLUMN code SET NOT NULL;
ALTER TABLE carts ADD CHECK (length(code) > 3);

-- case: new-table-changed-freely
-- expect: none
CREATE TABLE drafts (id bigint PRIMARY KEY, title text, legacy int);
ALTER TABLE drafts RENAME COLUMN title TO headline;
ALTER TABLE drafts DROP COLUMN legacy;
ALTER TABLE drafts ALTER COLUMN id TYPE numeric;
ALTER TABLE drafts ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();
UPDATE drafts SET headline = 'x';

-- case: drop-index-created-in-the-same-migration
-- expect: none
CREATE TABLE scratch (id bigint PRIMARY KEY, v text);
CREATE INDEX idx_scratch_v ON scratch (v);
DROP INDEX idx_scratch_v;

-- case: renamed-new-table-stays-new
-- expect: none
CREATE TABLE tmp_accounts (id bigint PRIMARY KEY, email text);
ALTER TABLE tmp_accounts RENAME TO accounts_v2;
CREATE INDEX idx_accounts_v2_email ON accounts_v2 (email);

-- case: foreign-key-not-valid
-- expect: none
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;

-- case: validate-constraint-on-its-own
-- expect: none
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;

-- case: check-not-valid
-- expect: none
ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;

-- case: set-not-null-proven-by-valid-check
-- given: CREATE TABLE orders (id bigint PRIMARY KEY, status text);
-- given: ALTER TABLE orders ADD CONSTRAINT orders_status_nn CHECK (status IS NOT NULL) NOT VALID;
-- given: ALTER TABLE orders VALIDATE CONSTRAINT orders_status_nn;
-- expect: none
ALTER TABLE orders ALTER COLUMN status SET NOT NULL;

-- case: not-null-not-valid-pg18
-- version: 18
-- expect: none
ALTER TABLE orders ADD CONSTRAINT orders_status_nn NOT NULL status NOT VALID;

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

-- case: add-nullable-column
-- expect: none
ALTER TABLE users ADD COLUMN IF NOT EXISTS bio text;

-- case: add-column-if-table-exists
-- expect: none
ALTER TABLE IF EXISTS users ADD COLUMN IF NOT EXISTS nickname varchar(50);

-- case: set-volatile-default-affects-new-rows-only
-- expect: none
ALTER TABLE users ALTER COLUMN token SET DEFAULT gen_random_uuid();

-- case: drop-default
-- expect: none
ALTER TABLE users ALTER COLUMN token DROP DEFAULT;

-- case: set-statistics
-- expect: none
ALTER TABLE users ALTER COLUMN email SET STATISTICS 500;

-- case: storage-parameters
-- expect: none
ALTER TABLE orders SET (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.01);

-- case: grow-varchar
-- given: CREATE TABLE orders (id bigint PRIMARY KEY, note varchar(100));
-- expect: none
ALTER TABLE orders ALTER COLUMN note TYPE varchar(200);

-- case: varchar-to-text
-- given: CREATE TABLE orders (id bigint PRIMARY KEY, note character varying(100));
-- expect: none
ALTER TABLE orders ALTER COLUMN note TYPE text;

-- case: varchar-to-unbounded-varchar
-- given: CREATE TABLE orders (id bigint PRIMARY KEY, note varchar(100));
-- expect: none
ALTER TABLE orders ALTER COLUMN note SET DATA TYPE varchar;

-- case: grow-numeric-precision
-- given: CREATE TABLE orders (id bigint PRIMARY KEY, amount decimal(10,2));
-- expect: none
ALTER TABLE orders ALTER COLUMN amount TYPE numeric(14,2);

-- case: cidr-to-inet
-- given: CREATE TABLE hosts (id bigint PRIMARY KEY, net cidr);
-- expect: none
ALTER TABLE hosts ALTER COLUMN net TYPE inet;

-- case: type-known-from-an-earlier-alter
-- given: CREATE TABLE orders (id bigint PRIMARY KEY);
-- given: ALTER TABLE orders ADD COLUMN note varchar(20);
-- expect: none
ALTER TABLE orders ALTER COLUMN note TYPE varchar(40);

-- case: unique-using-index
-- expect: none
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX ux_users_email;

-- case: primary-key-using-index
-- expect: none
ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX ux_users_id;

-- case: drop-index-concurrently
-- expect: none
DROP INDEX CONCURRENTLY IF EXISTS idx_orders_customer;

-- case: reindex-concurrently
-- expect: none
REINDEX INDEX CONCURRENTLY idx_orders_customer;

-- case: detach-partition-concurrently
-- expect: none
ALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY;

-- case: detach-partition-finalize
-- expect: none
ALTER TABLE measurements DETACH PARTITION measurements_2020 FINALIZE;

-- case: index-on-only-the-partitioned-parent
-- expect: none
CREATE INDEX idx_measurements_logdate ON ONLY measurements (logdate);

-- case: attach-a-partition-created-in-the-same-migration
-- expect: none
CREATE TABLE measurements_2025 (LIKE measurements INCLUDING DEFAULTS);
ALTER TABLE measurements ATTACH PARTITION measurements_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

-- case: truncate-without-cascade
-- expect: none
TRUNCATE staging_import;

-- case: targeted-update
-- expect: none
UPDATE settings SET value = 'on' WHERE key = 'feature.x';

-- case: update-with-a-where-clause-and-returning
-- expect: none
UPDATE orders SET status = 'paid' WHERE id = 42 AND status IS NULL RETURNING id;

-- case: targeted-delete
-- expect: none
DELETE FROM sessions WHERE expires_at < now() - interval '30 days';

-- case: insert-rows
-- expect: none
INSERT INTO order_status_labels (code, label) VALUES ('new', 'New'), ('paid', 'Paid');

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

-- case: jsonb-timestamptz-bigint-identity
-- expect: none
CREATE TABLE webhooks (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, payload jsonb NOT NULL, received_at timestamptz NOT NULL DEFAULT now());

-- case: text-primary-key
-- expect: none
CREATE TABLE counters (name text PRIMARY KEY, n bigint NOT NULL DEFAULT 0);

-- case: uuid-primary-key-with-volatile-default-in-new-table
-- expect: none
CREATE TABLE api_keys (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), owner bigint NOT NULL);

-- case: integer-column-that-is-not-the-key
-- expect: none
CREATE TABLE line_items (id bigint PRIMARY KEY, quantity integer NOT NULL CHECK (quantity > 0));

-- case: foreign-key-with-matching-type
-- given: CREATE TABLE customers (id bigserial PRIMARY KEY);
-- expect: none
CREATE TABLE invoices (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers);

-- case: self-referencing-foreign-key
-- expect: none
CREATE TABLE categories (id bigint PRIMARY KEY, parent_id bigint REFERENCES categories (id));

-- case: enum-add-value-outside-transaction
-- expect: none
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'returned';

-- case: enum-add-value-in-transaction-pg12
-- version: 12
-- expect: none
BEGIN;
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'returned' AFTER 'shipped';
COMMIT;

-- case: set-local-lock-timeout-in-transaction
-- lock-timeout: unset
-- expect: none
BEGIN;
SET LOCAL lock_timeout = '1s';
ALTER TABLE users ADD COLUMN nickname text;
COMMIT;

-- case: one-access-exclusive-per-transaction
-- expect: none
BEGIN;
ALTER TABLE users ADD COLUMN nickname text;
COMMIT;
BEGIN;
ALTER TABLE orders ADD COLUMN note text;
COMMIT;

-- case: several-changes-to-one-table-in-one-transaction
-- expect: none
BEGIN;
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE users ALTER COLUMN nickname SET DEFAULT 'anonymous';
COMMIT;

-- case: index-a-materialized-view-created-in-the-same-migration
-- expect: none
CREATE MATERIALIZED VIEW order_totals AS SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id;
CREATE UNIQUE INDEX order_totals_customer ON order_totals (customer_id);

-- case: validate-after-commit
-- expect: none
BEGIN;
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
COMMIT;
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;

-- case: vacuum-and-analyze
-- expect: none
VACUUM (ANALYZE, VERBOSE) orders;
ANALYZE orders;

-- case: refresh-materialized-view-concurrently
-- expect: none
REFRESH MATERIALIZED VIEW CONCURRENTLY order_totals;

-- case: lock-table-access-share
-- expect: none
BEGIN;
LOCK TABLE orders IN ACCESS SHARE MODE;
COMMIT;

-- case: virtual-generated-column-pg18
-- version: 18
-- expect: none
ALTER TABLE users ADD COLUMN full_name text GENERATED ALWAYS AS (first_name || ' ' || last_name) VIRTUAL;

-- case: domain-without-check
-- expect: none
CREATE DOMAIN positive_amount AS numeric(12,2) NOT NULL;

-- case: alter-domain-check-not-valid
-- expect: none
ALTER DOMAIN email ADD CONSTRAINT email_lower CHECK (VALUE = lower(VALUE)) NOT VALID;

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

-- case: suppression-with-reason
-- expect: none
-- zdm:allow ZDM001 orders holds 12 rows in every environment
CREATE INDEX idx_orders_customer ON orders (customer_id);

-- case: trailing-suppression-on-the-same-line
-- expect: none
CREATE INDEX idx_orders_customer ON orders (customer_id); -- zdm:allow ZDM001 lookup table, 40 rows

-- case: suppression-of-two-rules
-- expect: none
/* zdm:allow ZDM016, ZDM017 a view keeps the old names until the next release */
ALTER TABLE users RENAME COLUMN email TO email_address;

-- case: drop-not-null-on-new-table
-- expect: none
CREATE TABLE notes (id bigint PRIMARY KEY, body text NOT NULL);
ALTER TABLE notes ALTER COLUMN body DROP NOT NULL;

-- case: set-search-path-and-role
-- expect: none
SET search_path TO app, public;
SET ROLE migrator;
RESET ROLE;

-- case: cluster-a-new-table
-- expect: none
CREATE TABLE sorted (id bigint PRIMARY KEY);
CLUSTER sorted USING sorted_pkey;

-- case: do-block-without-ddl
-- expect: none
DO $$ BEGIN RAISE NOTICE 'migration 42 starts'; END $$;

-- case: temporary-table-is-private-to-the-session
-- expect: none
CREATE TEMP TABLE import_batch (id bigint, payload text);
CREATE INDEX ON import_batch (id);

-- case: type-change-using-a-cast-to-the-new-type-widens-varchar
-- given: CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100));
-- expect: none
ALTER TABLE users ALTER COLUMN email TYPE varchar(200) USING email::varchar(200);

-- case: type-change-as-liquibase-modify-data-type-writes-it
-- given: CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100));
-- expect: none
ALTER TABLE public.users ALTER COLUMN email TYPE TEXT USING (email::TEXT);

-- case: type-change-using-cast-function-syntax
-- given: CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100));
-- expect: none
ALTER TABLE users ALTER COLUMN email SET DATA TYPE text USING CAST(email AS text);

-- case: timestamp-to-timestamptz-after-set-timezone-utc
-- given: CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp);
-- expect: none
SET timezone = 'UTC';
ALTER TABLE events ALTER COLUMN happened_at TYPE timestamptz;

-- case: timestamp-to-timestamptz-after-set-time-zone-utc
-- given: CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp);
-- expect: none
SET TIME ZONE 'Etc/UTC';
ALTER TABLE events ALTER COLUMN happened_at TYPE timestamptz USING happened_at::timestamptz;

-- case: validate-in-a-later-statement-outside-a-transaction
-- expect: none
ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive;

-- case: add-column-with-inline-unique-on-a-new-table
-- expect: none
CREATE TABLE handles (id bigint PRIMARY KEY);
ALTER TABLE handles ADD COLUMN handle text UNIQUE;

-- case: alter-schema-owner
-- expect: none
ALTER SCHEMA billing OWNER TO migrator;

-- case: numeric-precision-growth-without-a-check
-- given: CREATE TABLE prices (id bigint PRIMARY KEY, amount numeric(10,2));
-- expect: none
ALTER TABLE prices ALTER COLUMN amount TYPE numeric(12,2);

-- case: numeric-precision-growth-after-dropping-the-check
-- given: CREATE TABLE prices (id bigint PRIMARY KEY, amount numeric(10,2), CONSTRAINT prices_amount_check CHECK (amount >= 0));
-- expect: none
ALTER TABLE prices DROP CONSTRAINT prices_amount_check;
ALTER TABLE prices ALTER COLUMN amount TYPE numeric(12,2);
ALTER TABLE prices ADD CONSTRAINT prices_amount_check CHECK (amount >= 0) NOT VALID;

-- case: numeric-precision-growth-with-a-not-valid-check
-- given: CREATE TABLE prices (id bigint PRIMARY KEY, amount numeric(10,2));
-- given: ALTER TABLE prices ADD CONSTRAINT prices_amount_check CHECK (amount >= 0) NOT VALID;
-- expect: none
ALTER TABLE prices ALTER COLUMN amount TYPE numeric(12,2);

-- case: do-block-insert-with-exception-handler
-- expect: none
DO $$
BEGIN
  INSERT INTO settings (name, value) VALUES ('mode', 'on');
EXCEPTION
  WHEN unique_violation THEN NULL;
END
$$;

-- case: merge-into
-- expect: none
MERGE INTO orders o USING incoming i ON o.id = i.id
WHEN MATCHED THEN UPDATE SET status = i.status
WHEN NOT MATCHED THEN INSERT (id, status) VALUES (i.id, i.status);

-- case: disable-one-user-trigger
-- expect: none
ALTER TABLE orders DISABLE TRIGGER orders_audit;

-- case: varchar-column-is-not-char
-- expect: none
CREATE TABLE currencies (code varchar(3) PRIMARY KEY, name text);

-- case: drop-empty-schema
-- expect: none
DROP SCHEMA IF EXISTS legacy;

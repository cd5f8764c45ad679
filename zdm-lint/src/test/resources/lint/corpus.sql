-- The rule corpus: every case is linted as one migration and must produce exactly the listed rule ids.
-- Header lines of a case:
--   -- case: <name>                 starts a case
--   -- expect: ZDM001, ZDM022       the rule ids, in any order, repeated when expected more than once; "none" for a safe case
--   -- given: <sql>                 the existing schema, linted before the case as an earlier migration (findings ignored)
--   -- version: <major>             the target PostgreSQL version (default 14)
--   -- lock-timeout: unset          do not prepend "SET lock_timeout = '2s';" to the case
-- Unless said otherwise, orders, users, customers... exist already and are assumed large and busy.

-- ===================================================================== unsafe

-- case: create-index-on-existing-table
-- expect: ZDM001
CREATE INDEX idx_orders_customer ON orders (customer_id);

-- case: create-unique-partial-expression-index
-- expect: ZDM001
CREATE UNIQUE INDEX IF NOT EXISTS ux_users_email ON public.users USING btree (lower(email)) WHERE deleted_at IS NULL;

-- case: create-index-without-name
-- expect: ZDM001
create index on Orders (created_at);

-- case: drop-index
-- expect: ZDM002
DROP INDEX idx_orders_customer;

-- case: drop-several-indexes
-- expect: ZDM002
DROP INDEX IF EXISTS idx_a, idx_b CASCADE;

-- case: reindex-index
-- expect: ZDM003
REINDEX INDEX idx_orders_customer;

-- case: reindex-table-pg11-has-no-concurrently
-- version: 11
-- expect: ZDM003
REINDEX TABLE orders;

-- case: reindex-with-options
-- expect: ZDM003
REINDEX (VERBOSE) TABLE orders;

-- case: create-index-concurrently-in-transaction
-- expect: ZDM004
BEGIN;
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_status ON orders (status);
COMMIT;

-- case: drop-index-concurrently-in-transaction
-- expect: ZDM004
START TRANSACTION;
DROP INDEX CONCURRENTLY IF EXISTS idx_orders_status;
END;

-- case: reindex-concurrently-in-transaction
-- expect: ZDM004
BEGIN;
REINDEX INDEX CONCURRENTLY idx_orders_status;
COMMIT;

-- case: detach-concurrently-in-transaction
-- expect: ZDM004
BEGIN;
ALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY;
COMMIT;

-- case: validated-foreign-key
-- expect: ZDM005
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);

-- case: add-column-with-inline-foreign-key
-- expect: ZDM005
ALTER TABLE orders ADD COLUMN shop_id bigint REFERENCES shops (id);

-- case: validated-check
-- expect: ZDM006
ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0);

-- case: unnamed-validated-check
-- expect: ZDM006
ALTER TABLE orders ADD CHECK (amount > 0);

-- case: set-not-null
-- expect: ZDM007
ALTER TABLE orders ALTER COLUMN status SET NOT NULL;

-- case: set-not-null-with-check-not-yet-validated
-- given: CREATE TABLE orders (id bigint PRIMARY KEY, status text);
-- given: ALTER TABLE orders ADD CONSTRAINT orders_status_nn CHECK (status IS NOT NULL) NOT VALID;
-- expect: ZDM007
ALTER TABLE orders ALTER COLUMN status SET NOT NULL;

-- case: set-not-null-pg11-cannot-use-valid-check
-- version: 11
-- given: CREATE TABLE orders (id bigint PRIMARY KEY, status text);
-- given: ALTER TABLE orders ADD CONSTRAINT orders_status_nn CHECK (status IS NOT NULL) NOT VALID;
-- given: ALTER TABLE orders VALIDATE CONSTRAINT orders_status_nn;
-- expect: ZDM007
ALTER TABLE orders ALTER COLUMN status SET NOT NULL;

-- case: add-not-null-constraint-validated-pg18
-- version: 18
-- expect: ZDM007
ALTER TABLE orders ADD CONSTRAINT orders_status_nn NOT NULL status;

-- case: add-unique
-- expect: ZDM008
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);

-- case: add-primary-key
-- expect: ZDM009
ALTER TABLE users ADD PRIMARY KEY (id);

-- case: exclusion-constraint
-- expect: ZDM010
ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&);

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

-- case: add-stored-generated-column
-- expect: ZDM012
ALTER TABLE users ADD COLUMN email_lower text GENERATED ALWAYS AS (lower(email)) STORED;

-- case: add-virtual-generated-column-before-pg18
-- version: 17
-- expect: ZDM012
ALTER TABLE users ADD COLUMN email_lower text GENERATED ALWAYS AS (lower(email));

-- case: add-bigserial-column
-- expect: ZDM013
ALTER TABLE users ADD COLUMN seq bigserial;

-- case: add-identity-column
-- expect: ZDM013
ALTER TABLE users ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY;

-- case: add-not-null-column-without-default
-- expect: ZDM014
ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;

-- case: add-not-null-column-with-null-default
-- expect: ZDM014
ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL DEFAULT NULL;

-- case: change-int-to-bigint
-- given: CREATE TABLE orders (id integer PRIMARY KEY, amount numeric(10,2), note varchar(100));
-- expect: ZDM015
ALTER TABLE orders ALTER COLUMN id TYPE bigint;

-- case: change-type-of-unknown-column
-- expect: ZDM015
ALTER TABLE orders ALTER COLUMN note TYPE text;

-- case: shrink-varchar
-- given: CREATE TABLE orders (id bigint PRIMARY KEY, note varchar(100));
-- expect: ZDM015
ALTER TABLE orders ALTER COLUMN note TYPE varchar(50);

-- case: change-numeric-scale
-- given: CREATE TABLE orders (id bigint PRIMARY KEY, amount numeric(10,2));
-- expect: ZDM015
ALTER TABLE orders ALTER COLUMN amount SET DATA TYPE numeric(12,4);

-- case: change-type-with-using
-- given: CREATE TABLE orders (id bigint PRIMARY KEY, note varchar(100));
-- expect: ZDM015
ALTER TABLE orders ALTER COLUMN note TYPE text USING trim(note);

-- case: timestamp-to-timestamptz
-- given: CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp);
-- expect: ZDM015
ALTER TABLE events ALTER COLUMN happened_at TYPE timestamptz;

-- case: rename-column
-- expect: ZDM016
ALTER TABLE users RENAME COLUMN email TO email_address;

-- case: rename-table
-- expect: ZDM017
ALTER TABLE users RENAME TO accounts;

-- case: drop-column
-- expect: ZDM018
ALTER TABLE users DROP COLUMN IF EXISTS legacy_flag;

-- case: drop-table
-- expect: ZDM019
DROP TABLE audit_log;

-- case: drop-two-tables-cascade
-- expect: ZDM019, ZDM019
DROP TABLE IF EXISTS old_orders, old_items CASCADE;

-- case: drop-not-null
-- expect: ZDM020
ALTER TABLE users ALTER COLUMN phone DROP NOT NULL;

-- case: two-access-exclusive-in-one-transaction
-- expect: ZDM021
BEGIN;
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE orders ADD COLUMN note text;
COMMIT;

-- case: access-exclusive-on-a-second-table-after-the-first
-- expect: ZDM002, ZDM021, ZDM021
BEGIN;
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE users ADD COLUMN bio text;
DROP INDEX idx_orders_status;
TRUNCATE staging_import;
COMMIT;

-- case: missing-lock-timeout
-- lock-timeout: unset
-- expect: ZDM022
ALTER TABLE users ADD COLUMN nickname text;

-- case: lock-timeout-reported-once-per-file
-- lock-timeout: unset
-- expect: ZDM022, ZDM001
ALTER TABLE users ADD COLUMN nickname text;
CREATE INDEX idx_users_nickname ON users (nickname);

-- case: lock-timeout-switched-off
-- expect: ZDM022
SET lock_timeout = 0;
ALTER TABLE users ADD COLUMN nickname text;

-- case: set-local-lock-timeout-outside-transaction-has-no-effect
-- lock-timeout: unset
-- expect: ZDM022
SET LOCAL lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname text;

-- case: vacuum-full
-- expect: ZDM023
VACUUM FULL orders;

-- case: vacuum-full-option-list
-- expect: ZDM023
VACUUM (FULL, ANALYZE) orders;

-- case: cluster
-- expect: ZDM024
CLUSTER orders USING orders_pkey;

-- case: detach-partition
-- expect: ZDM025
ALTER TABLE measurements DETACH PARTITION measurements_2020;

-- case: detach-partition-pg13
-- version: 13
-- expect: ZDM025
ALTER TABLE measurements DETACH PARTITION measurements_2020;

-- case: truncate-cascade
-- expect: ZDM026
TRUNCATE TABLE customers CASCADE;

-- case: create-domain-with-check
-- expect: ZDM027
CREATE DOMAIN email AS text CHECK (VALUE ~ '^[^@]+@[^@]+$');

-- case: alter-domain-add-check
-- expect: ZDM027
ALTER DOMAIN email ADD CONSTRAINT email_lower CHECK (VALUE = lower(VALUE));

-- case: update-whole-table
-- expect: ZDM028
UPDATE users SET active = true;

-- case: delete-whole-table
-- expect: ZDM028
DELETE FROM sessions;

-- case: update-whole-table-through-cte
-- expect: ZDM028
WITH defaults AS (SELECT 'x' AS v) UPDATE users SET code = (SELECT v FROM defaults);

-- case: backfill-of-null-rows
-- expect: ZDM028
UPDATE orders SET status = 'new' WHERE status IS NULL;

-- case: json-column-in-new-table
-- expect: ZDM029
CREATE TABLE payloads (id bigint PRIMARY KEY, body json NOT NULL);

-- case: json-column-added
-- expect: ZDM029
ALTER TABLE users ADD COLUMN preferences json;

-- case: serial-primary-key
-- expect: ZDM030
CREATE TABLE tags (id serial PRIMARY KEY, name text NOT NULL);

-- case: integer-primary-key-as-table-constraint
-- expect: ZDM030
CREATE TABLE tags (id integer NOT NULL, name text, CONSTRAINT tags_pkey PRIMARY KEY (id));

-- case: foreign-key-type-mismatch
-- given: CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
-- expect: ZDM031
CREATE TABLE invoices (id bigint PRIMARY KEY, customer_id integer REFERENCES customers (id));

-- case: foreign-key-type-mismatch-added-later
-- given: CREATE TABLE customers (id bigint PRIMARY KEY);
-- given: CREATE TABLE invoices (id bigint PRIMARY KEY, customer_id int);
-- expect: ZDM031
ALTER TABLE invoices ADD CONSTRAINT invoices_customer_fk FOREIGN KEY (customer_id) REFERENCES customers NOT VALID;

-- case: enum-value-rename
-- expect: ZDM032
ALTER TYPE order_status RENAME VALUE 'shipped' TO 'dispatched';

-- case: create-index-concurrently-without-if-not-exists
-- expect: ZDM033
CREATE INDEX CONCURRENTLY idx_orders_status ON orders (status);

-- case: enum-add-value-in-transaction-pg11
-- version: 11
-- expect: ZDM034
BEGIN;
ALTER TYPE order_status ADD VALUE 'returned';
COMMIT;

-- case: validate-in-the-adding-transaction
-- expect: ZDM035
BEGIN;
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;
COMMIT;

-- case: set-tablespace
-- expect: ZDM036
ALTER TABLE orders SET TABLESPACE fast_ssd;

-- case: set-logged
-- expect: ZDM036
ALTER TABLE import_rows SET LOGGED;

-- case: lock-table
-- expect: ZDM037
LOCK TABLE orders;

-- case: lock-table-share-row-exclusive
-- expect: ZDM037
LOCK TABLE orders IN SHARE ROW EXCLUSIVE MODE;

-- case: refresh-materialized-view
-- expect: ZDM038
REFRESH MATERIALIZED VIEW order_totals;

-- case: attach-partition
-- expect: ZDM039
ALTER TABLE measurements ATTACH PARTITION measurements_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

-- case: timestamp-without-time-zone
-- expect: ZDM040
CREATE TABLE visits (id bigint PRIMARY KEY, at timestamp NOT NULL);

-- case: unparsed-statement
-- expect: ZDM000
FROBNICATE orders;

-- case: unparsed-alter-table-action
-- expect: ZDM000
ALTER TABLE orders FROBNICATE COLUMN x;

-- case: suppression-without-reason
-- expect: ZDM900, ZDM001
-- zdm:allow ZDM001
CREATE INDEX idx_orders_customer ON orders (customer_id);

-- case: suppression-of-unknown-rule
-- expect: ZDM900, ZDM001
-- zdm:allow ZDM999 it is fine
CREATE INDEX idx_orders_customer ON orders (customer_id);

-- case: suppression-of-another-rule
-- expect: ZDM001
-- zdm:allow ZDM002 orders is tiny
CREATE INDEX idx_orders_customer ON orders (customer_id);

-- case: several-findings-in-one-statement
-- expect: ZDM011, ZDM014
ALTER TABLE orders ADD COLUMN ref uuid DEFAULT gen_random_uuid(), ADD COLUMN shop bigint NOT NULL;

-- case: do-block-with-ddl-is-linted
-- expect: ZDM001
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'idx_orders_status') THEN
    CREATE INDEX idx_orders_status ON orders (status);
  END IF;
END
$$;

-- ===================================================================== safe

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

-- ===================================================================== real-world false positives and misses (issue 11)

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

-- case: type-change-using-a-cast-that-narrows-still-rewrites
-- given: CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100));
-- expect: ZDM015
ALTER TABLE users ALTER COLUMN email TYPE varchar(50) USING email::varchar(50);

-- case: type-change-using-a-cast-of-another-column-rewrites
-- given: CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100), login varchar(100));
-- expect: ZDM015
ALTER TABLE users ALTER COLUMN email TYPE text USING login::text;

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

-- case: timestamp-to-timestamptz-in-another-zone-rewrites
-- given: CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp);
-- expect: ZDM015
SET timezone = 'Europe/Paris';
ALTER TABLE events ALTER COLUMN happened_at TYPE timestamptz;

-- case: timestamp-to-timestamptz-utc-on-pg11-rewrites
-- given: CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp);
-- version: 11
-- expect: ZDM015
SET timezone = 'UTC';
ALTER TABLE events ALTER COLUMN happened_at TYPE timestamptz;

-- case: validate-in-a-later-statement-outside-a-transaction
-- expect: none
ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive;

-- case: reindex-system-has-no-concurrent-form
-- expect: ZDM003
REINDEX SYSTEM shop;

-- case: add-column-with-inline-unique
-- expect: ZDM008
ALTER TABLE users ADD COLUMN handle text UNIQUE;

-- case: add-column-with-inline-primary-key
-- expect: ZDM009, ZDM014
ALTER TABLE legacy_events ADD COLUMN id bigint PRIMARY KEY;

-- case: add-column-with-inline-unique-on-a-new-table
-- expect: none
CREATE TABLE handles (id bigint PRIMARY KEY);
ALTER TABLE handles ADD COLUMN handle text UNIQUE;

-- case: alter-schema-rename
-- expect: ZDM041
ALTER SCHEMA billing RENAME TO invoicing;

-- case: alter-schema-owner
-- expect: none
ALTER SCHEMA billing OWNER TO migrator;

-- case: numeric-precision-growth-rechecks-a-validated-check
-- given: CREATE TABLE prices (id bigint PRIMARY KEY, amount numeric(10,2) CHECK (amount >= 0));
-- expect: ZDM042
ALTER TABLE prices ALTER COLUMN amount TYPE numeric(12,2);

-- case: varchar-widening-rechecks-a-table-check
-- given: CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100), CONSTRAINT users_email_shape CHECK (email LIKE '%@%'));
-- expect: ZDM042
ALTER TABLE users ALTER COLUMN email TYPE varchar(200);

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

-- case: do-block-add-column-unique-inside-if
-- expect: ZDM008
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'handle') THEN
    ALTER TABLE users ADD COLUMN handle text UNIQUE;
  END IF;
END
$$;

-- case: do-block-whole-table-update
-- expect: ZDM028
DO $body$
DECLARE
  moved integer;
BEGIN
  UPDATE orders SET status = 'new';
  GET DIAGNOSTICS moved = ROW_COUNT;
  RAISE NOTICE 'moved %', moved;
END
$body$ LANGUAGE plpgsql;

-- case: do-block-execute-a-literal
-- expect: ZDM002
DO $$ BEGIN EXECUTE 'DROP INDEX idx_orders_customer'; END $$;

-- case: do-block-execute-built-sql
-- expect: ZDM000
DO $$
DECLARE
  t text := 'orders';
BEGIN
  EXECUTE format('TRUNCATE %I', t);
END
$$;

-- case: do-block-two-alter-tables-in-its-one-transaction
-- expect: ZDM021
DO $$
BEGIN
  ALTER TABLE orders ADD COLUMN a text;
  ALTER TABLE users ADD COLUMN b text;
END
$$;

-- case: do-block-concurrently-fails-inside-it
-- expect: ZDM004
DO $$ BEGIN CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_status ON orders (status); END $$;

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

-- case: update-a-system-catalog
-- expect: ZDM043
UPDATE pg_catalog.pg_attribute SET attnotnull = true WHERE attrelid = 'orders'::regclass AND attname = 'status';

-- case: delete-from-a-system-catalog-by-its-unqualified-name
-- expect: ZDM043
DELETE FROM pg_depend WHERE objid = 42;

-- case: disable-trigger-all
-- expect: ZDM044
ALTER TABLE orders DISABLE TRIGGER ALL;

-- case: disable-one-user-trigger
-- expect: none
ALTER TABLE orders DISABLE TRIGGER orders_audit;

-- case: char-column
-- expect: ZDM045
CREATE TABLE countries (code char(2) PRIMARY KEY, name text);

-- case: character-column-added
-- expect: ZDM045
ALTER TABLE orders ADD COLUMN currency character(3);

-- case: varchar-column-is-not-char
-- expect: none
CREATE TABLE currencies (code varchar(3) PRIMARY KEY, name text);

-- case: drop-schema-cascade
-- expect: ZDM046
DROP SCHEMA legacy CASCADE;

-- case: drop-empty-schema
-- expect: none
DROP SCHEMA IF EXISTS legacy;

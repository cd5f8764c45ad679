-- The cases of rule ZDM001: each is linted as one migration and must produce exactly the listed rule ids (ZDM001
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: create-index-on-existing-table
-- expect: ZDM001
CREATE INDEX idx_orders_customer ON orders (customer_id);

-- case: create-unique-partial-expression-index
-- expect: ZDM001
CREATE UNIQUE INDEX IF NOT EXISTS ux_users_email ON public.users USING btree (lower(email)) WHERE deleted_at IS NULL;

-- case: create-index-without-name
-- expect: ZDM001
create index on Orders (created_at);

-- case: suppression-of-another-rule
-- expect: ZDM001
-- zdm:allow ZDM002 orders is tiny
CREATE INDEX idx_orders_customer ON orders (customer_id);

-- case: do-block-with-ddl-is-linted
-- expect: ZDM001
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'idx_orders_status') THEN
    CREATE INDEX idx_orders_status ON orders (status);
  END IF;
END
$$;

-- ===================================================================== near misses: must produce nothing

-- case: create-index-concurrently
-- expect: none
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_customer ON orders (customer_id);

-- case: create-table-and-index-it
-- expect: none
CREATE TABLE items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);
CREATE INDEX idx_items_name ON items (name);

-- case: index-on-only-the-partitioned-parent
-- expect: none
CREATE INDEX idx_measurements_logdate ON ONLY measurements (logdate);

-- case: index-a-materialized-view-created-in-the-same-migration
-- expect: none
CREATE MATERIALIZED VIEW order_totals AS SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id;
CREATE UNIQUE INDEX order_totals_customer ON order_totals (customer_id);

-- The cases of rule ZDM001: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM001 first among them). Header lines of a case are described in README.md beside this file.

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

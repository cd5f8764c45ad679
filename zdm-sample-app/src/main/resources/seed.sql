-- Seeds a fresh database only: PL/pgSQL parses the INSERTs when they run, so this script keeps working
-- after the migrations have renamed the columns. DemoData replaces ${users} and the other counts.
DO $$
BEGIN
    -- Instances starting together seed once.
    PERFORM pg_advisory_xact_lock(2026112712);
    IF NOT EXISTS (SELECT 1 FROM users) THEN
        INSERT INTO users (email, name)
        SELECT 'user' || g || '@example.com', 'User ' || g FROM generate_series(1, ${users}) g;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM products) THEN
        INSERT INTO products (name, price)
        SELECT 'Product ' || g, (g % 10000) / 100.0 FROM generate_series(1, ${products}) g;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM customers) THEN
        INSERT INTO customers (email, name)
        SELECT 'customer' || g || '@example.com', 'Customer ' || g FROM generate_series(1, ${customers}) g;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM accounts) THEN
        INSERT INTO accounts (email, legacy_code)
        SELECT 'account' || g || '@example.com', 'L' || g FROM generate_series(1, ${others}) g;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM orders) THEN
        INSERT INTO orders (customer_id, total, created_at)
        SELECT 1 + g % ${customers}, (g % 500) + 0.99, timestamptz '2026-01-01' + g * interval '1 minute'
        FROM generate_series(1, ${orders}) g;
    END IF;
    -- Every hundredth address is signed up twice: the unique constraint's duplicates.
    IF NOT EXISTS (SELECT 1 FROM subscribers) THEN
        INSERT INTO subscribers (email, created_at)
        SELECT 'reader' || (CASE WHEN g % 100 = 0 THEN g - 1 ELSE g END) || '@example.com',
               timestamptz '2026-01-01' + g * interval '1 minute'
        FROM generate_series(1, ${others}) g;
    END IF;
    -- Every tenth task has no title yet.
    IF NOT EXISTS (SELECT 1 FROM tasks) THEN
        INSERT INTO tasks (title)
        SELECT CASE WHEN g % 10 = 0 THEN NULL ELSE 'Task ' || g END FROM generate_series(1, ${others}) g;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM events) THEN
        INSERT INTO events (kind, happened_at)
        SELECT (ARRAY['signup', 'login', 'purchase'])[1 + g % 3], timestamptz '2026-01-01' + g * interval '1 second'
        FROM generate_series(1, ${others}) g;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM documents) THEN
        INSERT INTO documents (body)
        SELECT repeat('word ', 1 + g % 50) FROM generate_series(1, ${documents}) g;
    END IF;
END
$$@@

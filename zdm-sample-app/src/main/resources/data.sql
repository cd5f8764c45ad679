-- Seed a fresh database only: PL/pgSQL parses the INSERTs when they run, so this script keeps working
-- after the migrations have renamed the columns.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM users) THEN
        INSERT INTO users (email, name)
        SELECT 'user' || g || '@example.com', 'User ' || g FROM generate_series(1, 50000) g;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM products) THEN
        INSERT INTO products (name, price)
        SELECT 'Product ' || g, (g % 10000) / 100.0 FROM generate_series(1, 50000) g;
    END IF;
END
$$@@

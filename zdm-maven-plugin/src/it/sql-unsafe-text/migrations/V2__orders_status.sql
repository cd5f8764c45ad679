SET lock_timeout = '2s';
-- zdm:allow ZDM020 every reader handles NULL since release 41
ALTER TABLE orders ALTER COLUMN customer_id DROP NOT NULL;
CREATE INDEX idx_orders_status ON orders (status);
ALTER TABLE orders
    ALTER COLUMN status SET NOT NULL;

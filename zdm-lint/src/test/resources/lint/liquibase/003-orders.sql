--liquibase formatted sql

--changeset carol:fk-customer
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);

--changeset carol:index-outside-transaction runInTransaction:false
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_created ON orders (status);

--changeset carol:index-in-transaction
SET lock_timeout = '2s';
    CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_pair ON orders (customer_id, status);

CREATE TABLE orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL,
    status varchar(20)
);
CREATE INDEX idx_orders_customer ON orders (customer_id);

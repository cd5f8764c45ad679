CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email varchar(100), created_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX idx_accounts_created ON accounts (created_at);

CREATE INDEX CONCURRENTLY idx_users_id_email ON users (id, email);

-- Index the e-mail column for the login query.
CREATE INDEX idx_users_email ON users (email);

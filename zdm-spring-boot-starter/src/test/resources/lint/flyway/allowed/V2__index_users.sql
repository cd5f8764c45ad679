-- zdm:allow ZDM001 users is a lookup table of 40 rows in every environment
CREATE INDEX idx_users_email ON users (email);

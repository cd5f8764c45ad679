--liquibase formatted sql

--changeset dana:users-email-unique
SET lock_timeout = '2s';
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);

--changeset dana:users-email-rename
ALTER TABLE users RENAME COLUMN email TO email_address;

--liquibase formatted sql

--changeset bob:rename-email
ALTER TABLE users RENAME COLUMN email TO email_address;

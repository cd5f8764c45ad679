-- The existing schema every case below runs against: created by an earlier migration, so every table is
-- taken as existing, large and busy.
CREATE TABLE app_user (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email varchar(100) NOT NULL,
    name varchar(50),
    status text,
    price numeric(10,2) CHECK (price >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    legacy_flag boolean
);
CREATE TABLE account (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id bigint,
    kind varchar(20)
);
CREATE TABLE event_log (id bigint PRIMARY KEY, payload jsonb, happened_at timestamp);
CREATE TYPE mood AS ENUM ('sad', 'ok');

-- The cases of rule ZDM015: each is linted as one migration and must produce exactly the listed rule ids (ZDM015
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: change-int-to-bigint
-- given: CREATE TABLE orders (id integer PRIMARY KEY, amount numeric(10,2), note varchar(100));
-- expect: ZDM015
ALTER TABLE orders ALTER COLUMN id TYPE bigint;

-- case: change-type-of-unknown-column
-- expect: ZDM015
ALTER TABLE orders ALTER COLUMN note TYPE text;

-- case: shrink-varchar
-- given: CREATE TABLE orders (id bigint PRIMARY KEY, note varchar(100));
-- expect: ZDM015
ALTER TABLE orders ALTER COLUMN note TYPE varchar(50);

-- case: change-numeric-scale
-- given: CREATE TABLE orders (id bigint PRIMARY KEY, amount numeric(10,2));
-- expect: ZDM015
ALTER TABLE orders ALTER COLUMN amount SET DATA TYPE numeric(12,4);

-- case: change-type-with-using
-- given: CREATE TABLE orders (id bigint PRIMARY KEY, note varchar(100));
-- expect: ZDM015
ALTER TABLE orders ALTER COLUMN note TYPE text USING trim(note);

-- case: timestamp-to-timestamptz
-- given: CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp);
-- expect: ZDM015
ALTER TABLE events ALTER COLUMN happened_at TYPE timestamptz;

-- case: type-change-using-a-cast-that-narrows-still-rewrites
-- given: CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100));
-- expect: ZDM015
ALTER TABLE users ALTER COLUMN email TYPE varchar(50) USING email::varchar(50);

-- case: type-change-using-a-cast-of-another-column-rewrites
-- given: CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100), login varchar(100));
-- expect: ZDM015
ALTER TABLE users ALTER COLUMN email TYPE text USING login::text;

-- case: timestamp-to-timestamptz-in-another-zone-rewrites
-- given: CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp);
-- expect: ZDM015
SET timezone = 'Europe/Paris';
ALTER TABLE events ALTER COLUMN happened_at TYPE timestamptz;

-- case: timestamp-to-timestamptz-utc-on-pg11-rewrites
-- given: CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp);
-- version: 11
-- expect: ZDM015
SET timezone = 'UTC';
ALTER TABLE events ALTER COLUMN happened_at TYPE timestamptz;

-- ===================================================================== near misses: must produce nothing

-- case: grow-varchar
-- given: CREATE TABLE orders (id bigint PRIMARY KEY, note varchar(100));
-- expect: none
ALTER TABLE orders ALTER COLUMN note TYPE varchar(200);

-- case: varchar-to-text
-- given: CREATE TABLE orders (id bigint PRIMARY KEY, note character varying(100));
-- expect: none
ALTER TABLE orders ALTER COLUMN note TYPE text;

-- case: varchar-to-unbounded-varchar
-- given: CREATE TABLE orders (id bigint PRIMARY KEY, note varchar(100));
-- expect: none
ALTER TABLE orders ALTER COLUMN note SET DATA TYPE varchar;

-- case: grow-numeric-precision
-- given: CREATE TABLE orders (id bigint PRIMARY KEY, amount decimal(10,2));
-- expect: none
ALTER TABLE orders ALTER COLUMN amount TYPE numeric(14,2);

-- case: cidr-to-inet
-- given: CREATE TABLE hosts (id bigint PRIMARY KEY, net cidr);
-- expect: none
ALTER TABLE hosts ALTER COLUMN net TYPE inet;

-- case: type-known-from-an-earlier-alter
-- given: CREATE TABLE orders (id bigint PRIMARY KEY);
-- given: ALTER TABLE orders ADD COLUMN note varchar(20);
-- expect: none
ALTER TABLE orders ALTER COLUMN note TYPE varchar(40);

-- case: type-change-using-a-cast-to-the-new-type-widens-varchar
-- given: CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100));
-- expect: none
ALTER TABLE users ALTER COLUMN email TYPE varchar(200) USING email::varchar(200);

-- case: type-change-as-liquibase-modify-data-type-writes-it
-- given: CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100));
-- expect: none
ALTER TABLE public.users ALTER COLUMN email TYPE TEXT USING (email::TEXT);

-- case: type-change-using-cast-function-syntax
-- given: CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100));
-- expect: none
ALTER TABLE users ALTER COLUMN email SET DATA TYPE text USING CAST(email AS text);

-- case: timestamp-to-timestamptz-after-set-timezone-utc
-- given: CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp);
-- expect: none
SET timezone = 'UTC';
ALTER TABLE events ALTER COLUMN happened_at TYPE timestamptz;

-- case: timestamp-to-timestamptz-after-set-time-zone-utc
-- given: CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp);
-- expect: none
SET TIME ZONE 'Etc/UTC';
ALTER TABLE events ALTER COLUMN happened_at TYPE timestamptz USING happened_at::timestamptz;

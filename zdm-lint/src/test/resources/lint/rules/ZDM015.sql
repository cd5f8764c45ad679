-- The cases of rule ZDM015: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM015 first among them). Header lines of a case are described in README.md beside this file.

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

-- The cases of rule ZDM030: each is linted as one migration and must produce exactly the listed rule ids (ZDM030
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: serial-primary-key
-- expect: ZDM030
CREATE TABLE tags (id serial PRIMARY KEY, name text NOT NULL);

-- case: integer-primary-key-as-table-constraint
-- expect: ZDM030
CREATE TABLE tags (id integer NOT NULL, name text, CONSTRAINT tags_pkey PRIMARY KEY (id));

-- ===================================================================== near misses: must produce nothing

-- case: text-primary-key
-- expect: none
CREATE TABLE counters (name text PRIMARY KEY, n bigint NOT NULL DEFAULT 0);

-- case: integer-column-that-is-not-the-key
-- expect: none
CREATE TABLE line_items (id bigint PRIMARY KEY, quantity integer NOT NULL CHECK (quantity > 0));

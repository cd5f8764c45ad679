-- The cases of rule ZDM030: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM030 first among them). Header lines of a case are described in README.md beside this file.

-- case: serial-primary-key
-- expect: ZDM030
CREATE TABLE tags (id serial PRIMARY KEY, name text NOT NULL);

-- case: integer-primary-key-as-table-constraint
-- expect: ZDM030
CREATE TABLE tags (id integer NOT NULL, name text, CONSTRAINT tags_pkey PRIMARY KEY (id));

-- The cases of rule ZDM029: each is linted as one migration and must produce exactly the listed rule ids
-- (ZDM029 first among them). Header lines of a case are described in README.md beside this file.

-- case: json-column-in-new-table
-- expect: ZDM029
CREATE TABLE payloads (id bigint PRIMARY KEY, body json NOT NULL);

-- case: json-column-added
-- expect: ZDM029
ALTER TABLE users ADD COLUMN preferences json;

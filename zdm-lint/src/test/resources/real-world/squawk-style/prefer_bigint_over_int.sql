-- squawk: prefer-bigint-over-int / prefer-identity. A 32-bit key runs out.
CREATE TABLE tag (id serial PRIMARY KEY, label text);
CREATE TABLE tag2 (id integer PRIMARY KEY, label text);
CREATE TABLE tag3 (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, label text);

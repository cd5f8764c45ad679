-- squawk: prefer-timestamptz.
CREATE TABLE audit (id bigint PRIMARY KEY, at timestamp, at2 timestamp without time zone, at3 timestamptz);

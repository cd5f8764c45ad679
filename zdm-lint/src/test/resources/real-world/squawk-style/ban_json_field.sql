-- squawk: prefer-jsonb (not a squawk rule id; the jsonb advice of its docs).
CREATE TABLE payload (id bigint PRIMARY KEY, doc json, doc2 jsonb);

package dev.zdm.sample;

import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The users of the code after the migration: the address is {@code users.email_address}, which exists from
 * the expand phase of {@code rename-users-email} on (a rename to a new name needs no version schema), and is
 * the only one left after contract. Deploy this code once the migration is expanded.
 */
class NewUsers implements Users {

	private final JdbcClient jdbc;

	NewUsers(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public long maxId() {
		return this.jdbc.sql("SELECT coalesce(max(id), 0) FROM users").query(Long.class).single();
	}

	@Override
	public Optional<User> find(long id) {
		return this.jdbc.sql("SELECT id, email_address AS email, name FROM users WHERE id = ?")
			.param(id)
			.query(User.class)
			.optional();
	}

	@Override
	public List<User> list(int limit) {
		return this.jdbc.sql("SELECT id, email_address AS email, name FROM users ORDER BY id LIMIT ?")
			.param(limit)
			.query(User.class)
			.list();
	}

	@Override
	public User create(String email, String name) {
		return this.jdbc
			.sql("INSERT INTO users (email_address, name) VALUES (?, ?) RETURNING id, email_address AS email, name")
			.params(email, name)
			.query(User.class)
			.single();
	}

	@Override
	public boolean changeEmail(long id, String email) {
		return this.jdbc.sql("UPDATE users SET email_address = ? WHERE id = ?").params(email, id).update() == 1;
	}

}

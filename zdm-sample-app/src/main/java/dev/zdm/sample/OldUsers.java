package dev.zdm.sample;

import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The users of the code before the migration: the address is {@code users.email}. While zdm migrates it to
 * {@code email_address}, its sync trigger keeps both columns in step, so this code works until contract.
 */
class OldUsers implements Users {

	private final JdbcClient jdbc;

	OldUsers(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public long maxId() {
		return this.jdbc.sql("SELECT coalesce(max(id), 0) FROM users").query(Long.class).single();
	}

	@Override
	public Optional<User> find(long id) {
		return this.jdbc.sql("SELECT id, email, name FROM users WHERE id = ?").param(id).query(User.class).optional();
	}

	@Override
	public List<User> list(int limit) {
		return this.jdbc.sql("SELECT id, email, name FROM users ORDER BY id LIMIT ?").param(limit).query(User.class).list();
	}

	@Override
	public User create(String email, String name) {
		return this.jdbc.sql("INSERT INTO users (email, name) VALUES (?, ?) RETURNING id, email, name")
			.params(email, name)
			.query(User.class)
			.single();
	}

	@Override
	public boolean changeEmail(long id, String email) {
		return this.jdbc.sql("UPDATE users SET email = ? WHERE id = ?").params(email, id).update() == 1;
	}

}

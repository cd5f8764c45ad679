package dev.zdm.sample;

import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The application code of the version before the migration: it reads and writes {@code users.email}. While
 * zdm migrates the column to {@code email_address}, the sync trigger keeps both in step, so this code keeps
 * working until contract.
 */
@RestController
@RequestMapping("/users")
class UserController {

	private final JdbcClient jdbc;

	UserController(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	record User(long id, String email, String name) {
	}

	@GetMapping("/{id}")
	User get(@PathVariable long id) {
		return this.jdbc.sql("SELECT id, email, name FROM users WHERE id = ?").param(id).query(User.class).single();
	}

	@GetMapping
	List<User> list() {
		return this.jdbc.sql("SELECT id, email, name FROM users ORDER BY id LIMIT 20").query(User.class).list();
	}

	@PostMapping
	User create(@RequestBody Map<String, String> body) {
		long id = this.jdbc.sql("INSERT INTO users (email, name) VALUES (?, ?) RETURNING id")
			.params(body.get("email"), body.get("name"))
			.query(Long.class)
			.single();
		return get(id);
	}

	@PutMapping("/{id}")
	User update(@PathVariable long id, @RequestBody Map<String, String> body) {
		this.jdbc.sql("UPDATE users SET email = ? WHERE id = ?").params(body.get("email"), id).update();
		return get(id);
	}

}

package dev.zdm.spring.dualwrite;

import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;

/** A plain repository bean writing customers with {@link JdbcClient}, dual-writing for the encryption. */
@DualWrite(migration = "encrypt-email")
public class CustomerWriter {

	private final JdbcClient jdbc;

	public CustomerWriter(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@DualWrite(migration = "encrypt-email", key = "#result")
	public long insert(String email) {
		return this.jdbc.sql("INSERT INTO customers (email) VALUES (?) RETURNING id").param(email).query(Long.class).single();
	}

	@DualWrite(migration = "encrypt-email", key = "#id")
	public void changeEmail(long id, String email) {
		this.jdbc.sql("UPDATE customers SET email = ? WHERE id = ?").params(email, id).update();
	}

	@DualWrite(migration = "encrypt-email", key = "#ids")
	public int moveToDomain(List<Long> ids, String domain) {
		return this.jdbc.sql("UPDATE customers SET email = 'user' || id || '@' || ? WHERE id = ANY (?)")
			.params(domain, ids.toArray(new Long[0]))
			.update();
	}

	public Optional<String> findEmail(long id) {
		return this.jdbc.sql("SELECT email FROM customers WHERE id = ?").param(id).query(String.class).optional();
	}

}

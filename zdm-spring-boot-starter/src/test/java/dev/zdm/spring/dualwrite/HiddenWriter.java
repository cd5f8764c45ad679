package dev.zdm.spring.dualwrite;

import org.springframework.jdbc.core.simple.JdbcClient;

/** An annotated write the proxy could not intercept (not public): refused at start-up. */
public class HiddenWriter {

	private final JdbcClient jdbc;

	public HiddenWriter(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@DualWrite(migration = "encrypt-email", key = "#id")
	void changeEmail(long id, String email) {
		this.jdbc.sql("UPDATE customers SET email = ? WHERE id = ?").params(email, id).update();
	}

}

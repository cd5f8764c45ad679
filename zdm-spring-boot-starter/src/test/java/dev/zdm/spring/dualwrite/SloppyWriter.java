package dev.zdm.spring.dualwrite;

import org.springframework.jdbc.core.simple.JdbcClient;

/** Writes rows zdm cannot know: refused at start-up. */
@DualWrite(migration = "encrypt-email")
public class SloppyWriter {

	private final JdbcClient jdbc;

	public SloppyWriter(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public void lowerAll() {
		this.jdbc.sql("UPDATE customers SET email = lower(email)").update();
	}

	public long countAll() {
		return this.jdbc.sql("SELECT count(*) FROM customers").query(Long.class).single();
	}

}

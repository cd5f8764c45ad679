package dev.zdm.spring.dualwrite;

import dev.zdm.core.migration.ApplicationSync;

import org.springframework.jdbc.core.simple.JdbcClient;

/** The next version's writer: it writes the encrypted column, the plain one is computed from it. */
public class SealedCustomerWriter {

	private final JdbcClient jdbc;

	public SealedCustomerWriter(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@DualWrite(migration = "encrypt-email", key = "#id", writes = ApplicationSync.Shape.NEW)
	public void seal(long id, byte[] sealed) {
		this.jdbc.sql("UPDATE customers SET email_enc = ? WHERE id = ?").params(sealed, id).update();
	}

}

package dev.zdm.spring.dualwrite;

import org.springframework.jdbc.core.simple.JdbcClient;

/** Beans whose {@code @DualWrite} key could never give the written rows: each refused at start-up. */
final class BadKeyWriters {

	private BadKeyWriters() {
	}

	/** The key names a parameter the method does not have (a typo). */
	public static class Mistyped {

		private final JdbcClient jdbc;

		public Mistyped(JdbcClient jdbc) {
			this.jdbc = jdbc;
		}

		@DualWrite(migration = "encrypt-email", key = "#customerId")
		public void changeEmail(long id, String email) {
			this.jdbc.sql("UPDATE customers SET email = ? WHERE id = ?").params(email, id).update();
		}

	}

	/** The key is not SpEL. */
	public static class Unparsable {

		private final JdbcClient jdbc;

		public Unparsable(JdbcClient jdbc) {
			this.jdbc = jdbc;
		}

		@DualWrite(migration = "encrypt-email", key = "#id +")
		public void changeEmail(long id, String email) {
			this.jdbc.sql("UPDATE customers SET email = ? WHERE id = ?").params(email, id).update();
		}

	}

	/** The key reads the result of a method that returns nothing. */
	public static class VoidResult {

		private final JdbcClient jdbc;

		public VoidResult(JdbcClient jdbc) {
			this.jdbc = jdbc;
		}

		@DualWrite(migration = "encrypt-email", key = "#result.id")
		public void changeEmail(long id, String email) {
			this.jdbc.sql("UPDATE customers SET email = ? WHERE id = ?").params(email, id).update();
		}

	}

}

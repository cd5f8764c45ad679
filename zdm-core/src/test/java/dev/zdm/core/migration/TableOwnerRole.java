package dev.zdm.core.migration;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import javax.sql.DataSource;

import dev.zdm.testing.TestDatabase;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A login role that is not a superuser, as production runs zdm: it may create schemas in the test database
 * and objects in {@code public}, and owns what it creates. Roles are cluster-wide and other test runs share
 * the server, so the name is random and {@link #close()} drops the role with everything it owns and every
 * privilege it was granted (the database's, a parameter's).
 */
final class TableOwnerRole implements AutoCloseable {

	private final TestDatabase db;

	private final String name;

	private final PGSimpleDataSource dataSource;

	TableOwnerRole(TestDatabase db) {
		this.db = db;
		byte[] random = new byte[6];
		ThreadLocalRandom.current().nextBytes(random);
		this.name = "zdm_owner_" + HexFormat.of().formatHex(random);
		String password = "pw_" + this.name;
		db.execute("CREATE ROLE " + this.name + " LOGIN PASSWORD '" + password + "'",
				"GRANT CREATE ON DATABASE " + db.name() + " TO " + this.name,
				"GRANT USAGE, CREATE ON SCHEMA public TO " + this.name);
		this.dataSource = new PGSimpleDataSource();
		this.dataSource.setUrl(db.jdbcUrl());
		this.dataSource.setUser(this.name);
		this.dataSource.setPassword(password);
		this.dataSource.setApplicationName("zdm-test-owner");
	}

	String name() {
		return this.name;
	}

	/** Connections as this role. */
	DataSource dataSource() {
		return this.dataSource;
	}

	/** Runs each statement as this role, in autocommit mode. */
	void execute(String... sql) {
		try (java.sql.Connection connection = this.dataSource.getConnection();
				java.sql.Statement statement = connection.createStatement()) {
			for (String each : sql) {
				statement.execute(each);
			}
		}
		catch (java.sql.SQLException ex) {
			throw new IllegalStateException(ex.getMessage(), ex);
		}
	}

	/** Lets the role set session_replication_role (PostgreSQL 15+). */
	void grantSetReplicationRole() {
		this.db.execute("GRANT SET ON PARAMETER session_replication_role TO " + this.name);
	}

	@Override
	public void close() {
		this.db.execute("DROP OWNED BY " + this.name + " CASCADE", "DROP ROLE " + this.name);
	}

}

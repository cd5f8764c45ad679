package dev.zdm.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.postgresql.ds.PGSimpleDataSource;

/**
 * A database of its own for one test class, created on the shared {@link PostgresServer} and dropped
 * afterwards.
 */
public final class TestDatabase implements AutoCloseable {

	private final PostgresServer server;

	private final String name;

	private final PGSimpleDataSource dataSource;

	private TestDatabase(PostgresServer server, String name) {
		this.server = server;
		this.name = name;
		this.dataSource = new PGSimpleDataSource();
		this.dataSource.setUrl(server.urlFor(name));
		this.dataSource.setUser(server.user());
		if (!server.password().isEmpty()) {
			this.dataSource.setPassword(server.password());
		}
		this.dataSource.setApplicationName("zdm-test");
	}

	/** Creates a fresh, empty database. */
	public static TestDatabase create() {
		PostgresServer server = PostgresServer.get();
		String name = "zdm_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
		try (Connection connection = server.adminConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
			// No test depends on the server surviving a crash: commits need not wait for the WAL to reach the disk.
			statement.execute("ALTER DATABASE " + name + " SET synchronous_commit = off");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not create test database " + name, ex);
		}
		return new TestDatabase(server, name);
	}

	public DataSource dataSource() {
		return this.dataSource;
	}

	public String jdbcUrl() {
		return this.dataSource.getUrl();
	}

	public String user() {
		return this.server.user();
	}

	public String password() {
		return this.server.password();
	}

	public String name() {
		return this.name;
	}

	/** Runs each statement in autocommit mode. */
	public void execute(String... sql) {
		try (Connection connection = this.dataSource.getConnection(); Statement statement = connection.createStatement()) {
			for (String each : sql) {
				statement.execute(each);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex.getMessage(), ex);
		}
	}

	/** The single value the query returns, as a long. */
	public long queryLong(String sql, Object... args) {
		List<List<Object>> rows = query(sql, args);
		return ((Number) rows.get(0).get(0)).longValue();
	}

	/** The first column of every row, as strings. */
	public List<String> queryStrings(String sql, Object... args) {
		List<String> result = new ArrayList<>();
		for (List<Object> row : query(sql, args)) {
			result.add((row.get(0) != null) ? row.get(0).toString() : null);
		}
		return result;
	}

	/** Every row, every column. */
	public List<List<Object>> query(String sql, Object... args) {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement statement = connection.prepareStatement(sql)) {
			for (int i = 0; i < args.length; i++) {
				statement.setObject(i + 1, args[i]);
			}
			try (ResultSet rs = statement.executeQuery()) {
				int columns = rs.getMetaData().getColumnCount();
				List<List<Object>> rows = new ArrayList<>();
				while (rs.next()) {
					List<Object> row = new ArrayList<>(columns);
					for (int i = 1; i <= columns; i++) {
						row.add(rs.getObject(i));
					}
					rows.add(row);
				}
				return rows;
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex.getMessage(), ex);
		}
	}

	@Override
	public void close() {
		try (Connection connection = this.server.adminConnection(); Statement statement = connection.createStatement()) {
			statement.execute("DROP DATABASE IF EXISTS " + this.name + " WITH (FORCE)");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not drop test database " + this.name, ex);
		}
	}

}

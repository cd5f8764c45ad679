package dev.zdm.spring.autoconfigure;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * A {@link DataSource} whose connections put a migration's version schema first on their
 * {@code search_path}, so that code written for the migration's final shape sees it from expand on
 * ({@code zdm.schema-version}). Applied once per physical connection: a pooled connection that already
 * has it is left alone.
 */
public class SchemaVersionDataSource extends DelegatingDataSource {

	private final String schema;

	public SchemaVersionDataSource(DataSource target, String schema) {
		super(target);
		this.schema = schema;
	}

	/** The version schema put first on the search path. */
	public String schema() {
		return this.schema;
	}

	@Override
	public Connection getConnection() throws SQLException {
		return withSearchPath(super.getConnection());
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		return withSearchPath(super.getConnection(username, password));
	}

	/**
	 * The same connections for zdm itself, which must read the tables, never the views: a pooled connection
	 * that application code borrowed earlier gets the version schema taken off its search path again.
	 */
	public DataSource unversioned() {
		String prefix = '"' + this.schema + "\", ";
		return new DelegatingDataSource(getTargetDataSource()) {

			@Override
			public Connection getConnection() throws SQLException {
				return withoutSearchPath(super.getConnection(), prefix);
			}

			@Override
			public Connection getConnection(String username, String password) throws SQLException {
				return withoutSearchPath(super.getConnection(username, password), prefix);
			}

		};
	}

	private static Connection withoutSearchPath(Connection connection, String prefix) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("SELECT CASE WHEN starts_with(current_setting("
				+ "'search_path'), ?) THEN set_config('search_path', substr(current_setting('search_path'), ?), false) END")) {
			statement.setString(1, prefix);
			statement.setInt(2, prefix.length() + 1);
			statement.execute();
			return connection;
		}
		catch (SQLException ex) {
			connection.close();
			throw ex;
		}
	}

	private Connection withSearchPath(Connection connection) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("SELECT CASE WHEN starts_with(current_setting("
				+ "'search_path'), ?) THEN NULL ELSE set_config('search_path', ? || current_setting('search_path'), false) END")) {
			String prefix = '"' + this.schema + "\", ";
			statement.setString(1, prefix);
			statement.setString(2, prefix);
			statement.execute();
			return connection;
		}
		catch (SQLException ex) {
			connection.close();
			throw ex;
		}
	}

}

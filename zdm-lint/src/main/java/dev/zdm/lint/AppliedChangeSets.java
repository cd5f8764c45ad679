package dev.zdm.lint;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

/**
 * The changesets a database has already run, from Liquibase's {@code databasechangelog} table. File names
 * are compared leniently: Liquibase records the path as the application resolved it
 * ({@code classpath:/db/changelog/x.yaml}, {@code db/changelog/x.yaml}), which need not be the path the
 * linter was given, so one path ending with the other is a match.
 */
final class AppliedChangeSets {

	static final AppliedChangeSets NONE = new AppliedChangeSets(List.of());

	private record Entry(String id, String author, String file) {
	}

	private final List<Entry> entries;

	private AppliedChangeSets(List<Entry> entries) {
		this.entries = entries;
	}

	static AppliedChangeSets read(DataSource dataSource) {
		return read(dataSource, null, null);
	}

	/**
	 * The changesets recorded in the changelog table {@code schema.table}; a null schema means the
	 * connection's {@code search_path}, a null table {@code databasechangelog}. Names are folded to lower case
	 * as Liquibase creates them on PostgreSQL.
	 */
	static AppliedChangeSets read(DataSource dataSource, String schema, String table) {
		String tableName = (table != null && !table.isBlank()) ? table.strip().toLowerCase(Locale.ROOT) : "databasechangelog";
		String schemaName = (schema != null && !schema.isBlank()) ? schema.strip().toLowerCase(Locale.ROOT) : null;
		String shown = (schemaName != null) ? schemaName + "." + tableName : tableName;
		List<Entry> entries = new ArrayList<>();
		try (Connection connection = dataSource.getConnection()) {
			String qualified = regclass(connection, schemaName, tableName);
			if (qualified == null) {
				return NONE;
			}
			// qualified is PostgreSQL's own quoting of an existing table's name.
			try (Statement statement = connection.createStatement();
					ResultSet rows = statement.executeQuery("SELECT id, author, filename FROM " + qualified)) {
				while (rows.next()) {
					entries.add(new Entry(rows.getString(1), rows.getString(2), normalize(rows.getString(3))));
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not read the Liquibase changelog table " + shown + ": " + ex.getMessage(), ex);
		}
		return new AppliedChangeSets(entries);
	}

	/** The table's name as PostgreSQL quotes it, or null when there is no such table. */
	private static String regclass(Connection connection, String schema, String table) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("SELECT to_regclass(CASE WHEN ?::text IS NULL"
				+ " THEN quote_ident(?) ELSE quote_ident(?) || '.' || quote_ident(?) END)::text")) {
			statement.setString(1, schema);
			statement.setString(2, table);
			statement.setString(3, schema);
			statement.setString(4, table);
			try (ResultSet rows = statement.executeQuery()) {
				return rows.next() ? rows.getString(1) : null;
			}
		}
	}

	boolean contains(String id, String author, String file) {
		String normalized = normalize(file);
		return this.entries.stream().anyMatch((entry) -> entry.id().equals(id) && entry.author().equals(author)
				&& sameFile(entry.file(), normalized));
	}

	private static boolean sameFile(String a, String b) {
		return a.equals(b) || a.endsWith("/" + b) || b.endsWith("/" + a);
	}

	private static String normalize(String file) {
		String normalized = (file != null) ? file.replace('\\', '/') : "";
		if (normalized.startsWith("classpath:")) {
			normalized = normalized.substring("classpath:".length());
		}
		while (normalized.startsWith("/")) {
			normalized = normalized.substring(1);
		}
		return normalized;
	}

}

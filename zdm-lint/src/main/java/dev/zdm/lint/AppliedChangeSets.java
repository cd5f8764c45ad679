package dev.zdm.lint;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

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
		List<Entry> entries = new ArrayList<>();
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			if (!tableExists(statement)) {
				return NONE;
			}
			try (ResultSet rows = statement.executeQuery("SELECT id, author, filename FROM databasechangelog")) {
				while (rows.next()) {
					entries.add(new Entry(rows.getString(1), rows.getString(2), normalize(rows.getString(3))));
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not read the Liquibase databasechangelog table: " + ex.getMessage(), ex);
		}
		return new AppliedChangeSets(entries);
	}

	private static boolean tableExists(Statement statement) throws SQLException {
		try (ResultSet rows = statement.executeQuery("SELECT to_regclass('databasechangelog') IS NOT NULL")) {
			return rows.next() && rows.getBoolean(1);
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

package dev.zdm.core.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;

/**
 * The SQL of zdm's archives of dropped columns: the registry {@code zdm_archive} (one row per archived
 * column: where it came from, its type, default and {@code NOT NULL}, and when it was dropped, undone or
 * expired) and the name of each archive's data table, in zdm's schema. The statements that change the
 * registry are given as SQL for the operation's steps, so that they commit with the DDL they record.
 */
public final class ArchiveStore {

	/** The suffix of an archive's data table, after the operation's base name. */
	public static final String SUFFIX = "_archive";

	private ArchiveStore() {
	}

	/**
	 * One archived column.
	 *
	 * @param migrationId the migration
	 * @param operationIndex the operation's 1-based index in its plan
	 * @param table the table the column was dropped from
	 * @param column the column
	 * @param type its type, as {@code format_type} gives it
	 * @param defaultExpression its default, or {@code null}
	 * @param notNull whether it was {@code NOT NULL} before the migration
	 * @param archive the data table: the table's primary key columns and the column
	 * @param droppedAt when contract dropped the column, or {@code null}
	 * @param undoStartedAt when an undo added the column back, or {@code null}
	 * @param undoneAt when the undo finished, or {@code null}
	 * @param expiredAt when the archive expired and its data table was dropped, or {@code null}
	 */
	public record Archive(String migrationId, int operationIndex, QualifiedName table, Identifier column, String type,
			String defaultExpression, boolean notNull, QualifiedName archive, Instant droppedAt, Instant undoStartedAt,
			Instant undoneAt, Instant expiredAt) {
	}

	/** The data table of the archive of operation {@code base} ({@code <base>_archive}) in zdm's schema. */
	public static QualifiedName archiveTable(Identifier schema, String base) {
		return new QualifiedName(schema, Identifier.of(base + SUFFIX));
	}

	private static String registry(Identifier schema) {
		return schema.quoted() + "." + Identifier.of("zdm_archive").quoted();
	}

	/** Registers an archive, unless it is registered already. */
	public static String register(Identifier schema, String migrationId, int index, QualifiedName table,
			Identifier column, String type, String defaultExpression, boolean notNull, QualifiedName archive) {
		return "INSERT INTO " + registry(schema) + " (migration_id, operation_index, table_schema, table_name, "
				+ "column_name, column_type, column_default, not_null, archive_table) VALUES (" + literal(migrationId)
				+ ", " + index + ", " + literal(table.schema().name()) + ", " + literal(table.name().name()) + ", "
				+ literal(column.name()) + ", " + literal(type) + ", " + literal(defaultExpression) + ", " + notNull + ", "
				+ literal(archive.name().name()) + ") ON CONFLICT (migration_id, operation_index) DO NOTHING";
	}

	/** Forgets an archive (a rollback drops its data table). */
	public static String forget(Identifier schema, String migrationId, int index) {
		return "DELETE FROM " + registry(schema) + where(migrationId, index);
	}

	/** Records that contract dropped the column. */
	public static String markDropped(Identifier schema, String migrationId, int index) {
		return "UPDATE " + registry(schema) + " SET dropped_at = coalesce(dropped_at, now())" + where(migrationId, index);
	}

	/** Records that an undo added the column back. */
	public static String markUndoStarted(Identifier schema, String migrationId, int index) {
		return "UPDATE " + registry(schema) + " SET undo_started_at = coalesce(undo_started_at, now())"
				+ where(migrationId, index);
	}

	/** Records that an undo finished. */
	public static String markUndone(Identifier schema, String migrationId, int index) {
		return "UPDATE " + registry(schema) + " SET undone_at = coalesce(undone_at, now())" + where(migrationId, index);
	}

	private static String where(String migrationId, int index) {
		return " WHERE migration_id = " + literal(migrationId) + " AND operation_index = " + index;
	}

	/** The archive of an operation, if it has one. */
	public static Optional<Archive> find(Connection connection, Identifier schema, String migrationId, int index)
			throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(select(schema)
				+ " WHERE migration_id = ? AND operation_index = ?")) {
			statement.setString(1, migrationId);
			statement.setInt(2, index);
			List<Archive> archives = read(statement, schema);
			return archives.isEmpty() ? Optional.empty() : Optional.of(archives.get(0));
		}
	}

	/**
	 * The archives whose column was dropped more than {@code retention} ago and whose data is still kept, of
	 * migrations that are over ({@code COMPLETED} or {@code UNDONE}): no migration is running on them.
	 */
	public static List<Archive> expired(Connection connection, Identifier schema, Duration retention)
			throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(select(schema) + " WHERE expired_at IS NULL "
				+ "AND dropped_at < now() - make_interval(secs => ?) AND migration_id IN (SELECT id FROM "
				+ schema.quoted() + "." + Identifier.of("zdm_migration").quoted()
				+ " WHERE phase IN ('COMPLETED', 'UNDONE')) ORDER BY dropped_at")) {
			statement.setDouble(1, retention.toMillis() / 1000.0);
			return read(statement, schema);
		}
	}

	/** Drops an archive's data table and records that it expired, in the caller's transaction. */
	public static void expire(Connection connection, Identifier schema, Archive archive) throws SQLException {
		try (PreparedStatement drop = connection.prepareStatement("DROP TABLE IF EXISTS " + archive.archive().quoted());
				PreparedStatement mark = connection.prepareStatement("UPDATE " + registry(schema)
						+ " SET expired_at = now() WHERE migration_id = ? AND operation_index = ? AND expired_at IS NULL")) {
			drop.execute();
			mark.setString(1, archive.migrationId());
			mark.setInt(2, archive.operationIndex());
			mark.executeUpdate();
		}
	}

	private static String select(Identifier schema) {
		return "SELECT migration_id, operation_index, table_schema, table_name, column_name, column_type, column_default, "
				+ "not_null, archive_table, dropped_at, undo_started_at, undone_at, expired_at FROM " + registry(schema);
	}

	private static List<Archive> read(PreparedStatement statement, Identifier schema) throws SQLException {
		List<Archive> archives = new ArrayList<>();
		try (ResultSet rs = statement.executeQuery()) {
			while (rs.next()) {
				archives.add(new Archive(rs.getString(1), rs.getInt(2),
						new QualifiedName(Identifier.of(rs.getString(3)), Identifier.of(rs.getString(4))),
						Identifier.of(rs.getString(5)), rs.getString(6), rs.getString(7), rs.getBoolean(8),
						new QualifiedName(schema, Identifier.of(rs.getString(9))), instant(rs.getTimestamp(10)),
						instant(rs.getTimestamp(11)), instant(rs.getTimestamp(12)), instant(rs.getTimestamp(13))));
			}
		}
		return archives;
	}

	private static Instant instant(Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

	/** A string literal ({@code NULL} for {@code null}), for statements recorded as text. */
	static String literal(String text) {
		return (text != null) ? "'" + text.replace("'", "''") + "'" : "NULL";
	}

}

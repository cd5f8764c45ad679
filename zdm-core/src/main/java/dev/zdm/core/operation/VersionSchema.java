package dev.zdm.core.operation;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.zdm.core.catalog.CatalogReader;
import dev.zdm.core.catalog.ColumnInfo;
import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;

/**
 * The schema {@code zdm_<migration id>} of simple, automatically updatable views that show each table a
 * migration changes in its final shape: old columns hidden, new columns under their final names. Code
 * written for the new shape puts this schema first on its {@code search_path} and works from expand on,
 * even where a column keeps its name but changes its type. Contract drops the schema in the same
 * transaction that gives the columns their final names, so such code then reaches the tables directly.
 */
public final class VersionSchema {

	private final Identifier schema;

	private VersionSchema(Identifier schema) {
		this.schema = schema;
	}

	/** The version schema of a migration. */
	public static VersionSchema of(String migrationId) {
		return new VersionSchema(Identifier.of(name(migrationId)));
	}

	/** {@code zdm_<id>} with {@code -} as {@code _}: what {@code zdm.schema-version} puts on the search path. */
	public static String name(String migrationId) {
		return "zdm_" + migrationId.replace('-', '_');
	}

	public Identifier schema() {
		return this.schema;
	}

	/** (Re)creates the schema and a view per changed table, in the caller's transaction. */
	public void create(Connection connection, List<ColumnCopy> operations) throws SQLException {
		Map<QualifiedName, List<ColumnCopy>> byTable = new LinkedHashMap<>();
		for (ColumnCopy operation : operations) {
			byTable.computeIfAbsent(operation.table(), (table) -> new ArrayList<>()).add(operation);
		}
		execute(connection, "DROP SCHEMA IF EXISTS " + this.schema.quoted() + " CASCADE");
		execute(connection, "CREATE SCHEMA " + this.schema.quoted());
		CatalogReader catalog = new CatalogReader(connection);
		for (Map.Entry<QualifiedName, List<ColumnCopy>> entry : byTable.entrySet()) {
			TableInfo table = catalog.table(entry.getKey())
				.orElseThrow(() -> new IllegalStateException("Table " + entry.getKey() + " no longer exists"));
			List<String> columns = new ArrayList<>();
			for (ColumnInfo column : table.columns()) {
				String shown = shown(column.name(), entry.getValue());
				if (shown != null) {
					columns.add(Identifier.of(column.name()).quoted() + " AS " + Identifier.of(shown).quoted());
				}
			}
			execute(connection, "CREATE VIEW " + new QualifiedName(this.schema, Identifier.of(table.name())).quoted()
					+ " AS SELECT " + columns.stream().collect(Collectors.joining(", ")) + " FROM "
					+ table.qualifiedName().quoted());
		}
	}

	/** The name a column shows under in the view, or {@code null} if the view hides it. */
	private static String shown(String column, List<ColumnCopy> operations) {
		for (ColumnCopy operation : operations) {
			if (operation.oldColumn().name().equals(column)) {
				return null;
			}
			if (operation.newColumn().name().equals(column)) {
				return operation.finalName().name();
			}
		}
		return column;
	}

	/** Drops the schema and its views, in the caller's transaction. */
	public void drop(Connection connection) throws SQLException {
		execute(connection, "DROP SCHEMA IF EXISTS " + this.schema.quoted() + " CASCADE");
	}

	private static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

}

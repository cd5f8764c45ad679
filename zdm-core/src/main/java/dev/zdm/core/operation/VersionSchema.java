package dev.zdm.core.operation;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.zdm.core.catalog.CatalogReader;
import dev.zdm.core.catalog.ColumnInfo;
import dev.zdm.core.catalog.Privilege;
import dev.zdm.core.catalog.SchemaInfo;
import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema {@code zdm_<migration id>} of simple, automatically updatable views that show each table a
 * migration changes in its final shape, as each operation's {@link VersionView} shows it: old columns
 * hidden, new columns under their final names. Code
 * written for the new shape puts this schema first on its {@code search_path} and works from expand on,
 * even where a column keeps its name but changes its type. Contract drops the schema in the same
 * transaction that gives the columns their final names, so such code then reaches the tables directly.
 * <p>
 * A view shows a role no more than its table does: it runs with the rights of the role that uses it
 * ({@code security_invoker}, PostgreSQL 15+), so the table's row level security and privileges apply to
 * that role, and it carries exactly the table's privileges, whatever default privileges would give it.
 * <p>
 * zdm owns the schema and its views by name and by a comment that names the migration: it never drops a
 * schema without that comment, and drops its views one by one, then the schema without {@code CASCADE}, so
 * that whatever else was put there survives.
 */
public final class VersionSchema {

	private static final Logger logger = LoggerFactory.getLogger(VersionSchema.class);

	private static final String SCHEMA_MARKER = "zdm version schema of migration ";

	private static final String VIEW_MARKER = "zdm version view of migration ";

	/** The privileges a relation's ACL can hold; anything else read from the catalog is not put into SQL. */
	private static final Set<String> PRIVILEGES = Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE",
			"REFERENCES", "TRIGGER", "MAINTAIN");

	private final String migrationId;

	private final Identifier schema;

	private VersionSchema(String migrationId, Identifier schema) {
		this.migrationId = migrationId;
		this.schema = schema;
	}

	/** The version schema of a migration. */
	public static VersionSchema of(String migrationId) {
		return new VersionSchema(migrationId, Identifier.of(name(migrationId)));
	}

	/** {@code zdm_<id>} with {@code -} as {@code _}: what {@code zdm.schema-version} puts on the search path. */
	public static String name(String migrationId) {
		return "zdm_" + migrationId.replace('-', '_');
	}

	/** The comment that marks a schema as the version schema zdm created for {@code migrationId}. */
	public static String marker(String migrationId) {
		return SCHEMA_MARKER + migrationId;
	}

	/** The migration whose version schema a schema with this comment is, if the comment is zdm's marker. */
	public static Optional<String> migrationOf(String schemaComment) {
		return (schemaComment != null && schemaComment.startsWith(SCHEMA_MARKER))
				? Optional.of(schemaComment.substring(SCHEMA_MARKER.length())) : Optional.empty();
	}

	/**
	 * Whether views on a server of this major version can apply a table's row level security to the role
	 * that uses them ({@code security_invoker} came with PostgreSQL 15). Before, a view reads its tables
	 * with its owner's rights, and would show every row to anyone allowed to use it.
	 */
	public static boolean viewsApplyRowSecurity(int majorVersion) {
		return majorVersion >= 15;
	}

	public Identifier schema() {
		return this.schema;
	}

	/**
	 * (Re)creates the schema and a view per changed table, in the caller's transaction.
	 * @throws IllegalStateException if a schema of that name exists that zdm did not create for this
	 * migration, or if a view could not apply its table's row level security
	 */
	public void create(Connection connection, List<VersionView> views) throws SQLException {
		Map<QualifiedName, List<VersionView>> byTable = new LinkedHashMap<>();
		for (VersionView view : views) {
			if (view.table() == null) {
				continue;
			}
			byTable.computeIfAbsent(view.table(), (table) -> new ArrayList<>()).add(view);
		}
		byTable.values().removeIf((shown) -> shown.stream().anyMatch((view) -> !view.shown()));
		CatalogReader catalog = new CatalogReader(connection);
		Optional<SchemaInfo> existing = catalog.schema(this.schema.name());
		if (existing.isPresent()) {
			if (!marker(this.migrationId).equals(existing.get().comment())) {
				throw new IllegalStateException("Schema " + this.schema + " exists and is not the version schema zdm "
						+ "created for migration " + this.migrationId + "; zdm never drops what it did not create. "
						+ "Rename that schema, or give the migration another id.");
			}
			// Left by an earlier run that could not drop it (it holds objects zdm did not create).
			dropViews(connection, catalog);
		}
		else {
			execute(connection, "CREATE SCHEMA " + this.schema.quoted());
			execute(connection, "COMMENT ON SCHEMA " + this.schema.quoted() + " IS " + literal(marker(this.migrationId)));
		}
		boolean invoker = viewsApplyRowSecurity(connection.getMetaData().getDatabaseMajorVersion());
		Set<Optional<String>> grantees = new LinkedHashSet<>();
		for (Map.Entry<QualifiedName, List<VersionView>> entry : byTable.entrySet()) {
			TableInfo table = catalog.table(entry.getKey())
				.orElseThrow(() -> new IllegalStateException("Table " + entry.getKey() + " no longer exists"));
			if (!invoker && catalog.rowSecurity(table).enabled()) {
				throw new IllegalStateException("Table " + table.qualifiedName() + " has row level security, which "
						+ "the views of " + this.schema + " cannot apply before PostgreSQL 15: roll migration "
						+ this.migrationId + " back, and run it on PostgreSQL 15 or newer.");
			}
			Map<String, String> shownAs = new LinkedHashMap<>();
			for (ColumnInfo column : table.columns()) {
				String shown = shown(column.name(), entry.getValue());
				if (shown != null) {
					shownAs.put(column.name(), shown);
				}
			}
			QualifiedName view = new QualifiedName(this.schema, Identifier.of(table.name()));
			execute(connection, "CREATE VIEW " + view.quoted() + (invoker ? " WITH (security_invoker = true)" : "")
					+ " AS SELECT " + shownAs.entrySet().stream()
						.map((column) -> Identifier.quote(column.getKey()) + " AS " + Identifier.quote(column.getValue()))
						.collect(Collectors.joining(", "))
					+ " FROM " + table.qualifiedName().quoted());
			execute(connection, "COMMENT ON VIEW " + view.quoted() + " IS " + literal(VIEW_MARKER + this.migrationId));
			grantees.addAll(carryPrivileges(connection, catalog, table, view, shownAs));
		}
		// Only the roles that may use a view reach the schema; nobody else may use it, or create in it.
		Optional<String> owner = catalog.schema(this.schema.name()).map(SchemaInfo::owner);
		for (Privilege privilege : catalog.schemaPrivileges(this.schema.name())) {
			if (!Optional.ofNullable(privilege.grantee()).equals(owner)) {
				execute(connection, "REVOKE ALL ON SCHEMA " + this.schema.quoted() + " FROM " + grantee(privilege.grantee()));
			}
		}
		for (Optional<String> grantee : grantees) {
			execute(connection, "GRANT USAGE ON SCHEMA " + this.schema.quoted() + " TO " + grantee(grantee.orElse(null)));
		}
	}

	/**
	 * Gives {@code view} exactly the privileges its table has: first revokes whatever the view got on
	 * creation (default privileges may give more), then grants the table's, on the view and on the columns
	 * it shows. Returns the grantees ({@code empty} for {@code PUBLIC}).
	 */
	private static Set<Optional<String>> carryPrivileges(Connection connection, CatalogReader catalog, TableInfo table,
			QualifiedName view, Map<String, String> shownAs) throws SQLException {
		Set<String> revoked = new LinkedHashSet<>();
		for (Privilege privilege : catalog.privileges(view)) {
			String grantee = grantee(privilege.grantee());
			if (revoked.add(grantee)) {
				execute(connection, "REVOKE ALL ON " + view.quoted() + " FROM " + grantee);
			}
		}
		Set<Optional<String>> grantees = new LinkedHashSet<>();
		String self = catalog.currentRole();
		for (Privilege privilege : catalog.reachablePrivileges(table)) {
			if (!PRIVILEGES.contains(privilege.type())) {
				continue;
			}
			String columns = "";
			if (privilege.column() != null) {
				String shown = shownAs.get(privilege.column());
				if (shown == null) {
					continue;
				}
				columns = " (" + Identifier.quote(shown) + ")";
			}
			// PUBLIC cannot hold a grant option, and the view's owner has every one already.
			boolean grantOption = privilege.grantable() && privilege.grantee() != null && !privilege.grantee().equals(self);
			execute(connection, "GRANT " + privilege.type() + columns + " ON " + view.quoted() + " TO "
					+ grantee(privilege.grantee()) + (grantOption ? " WITH GRANT OPTION" : ""));
			grantees.add(Optional.ofNullable(privilege.grantee()));
		}
		return grantees;
	}

	/** The name a column shows under in the view, or {@code null} if the view hides it. */
	private static String shown(String column, List<VersionView> views) {
		for (VersionView view : views) {
			if (view.hidden().contains(column)) {
				return null;
			}
			String renamed = view.renamed().get(column);
			if (renamed != null) {
				return renamed;
			}
		}
		return column;
	}

	/**
	 * Drops zdm's views, then the schema, in the caller's transaction, if the schema is the one zdm created
	 * for this migration. What zdm did not create is left: a schema without zdm's marker is not touched,
	 * and a schema that holds other objects keeps them, and stays (with a warning in the log).
	 * @throws SQLException if another object uses one of zdm's views: dropping the view would drop it too,
	 * so the error names it, for the user to drop or change before trying again
	 */
	public void drop(Connection connection) throws SQLException {
		CatalogReader catalog = new CatalogReader(connection);
		Optional<SchemaInfo> existing = catalog.schema(this.schema.name());
		if (existing.isEmpty()) {
			return;
		}
		if (!marker(this.migrationId).equals(existing.get().comment())) {
			logger.warn("Schema {} is not the version schema zdm created for migration {}: zdm leaves it as it is",
					this.schema, this.migrationId);
			return;
		}
		dropViews(connection, catalog);
		Savepoint savepoint = connection.setSavepoint();
		try {
			execute(connection, "DROP SCHEMA " + this.schema.quoted());
			connection.releaseSavepoint(savepoint);
		}
		catch (SQLException ex) {
			if (!"2BP01".equals(ex.getSQLState())) {
				throw ex;
			}
			connection.rollback(savepoint);
			logger.warn("Version schema {} of migration {} holds objects zdm did not create; zdm dropped its own views "
					+ "and left the schema with them. Drop it when nothing needs it any more.", this.schema,
					this.migrationId);
		}
	}

	private void dropViews(Connection connection, CatalogReader catalog) throws SQLException {
		for (String name : catalog.viewsWithComment(this.schema.name(), VIEW_MARKER + this.migrationId)) {
			QualifiedName view = new QualifiedName(this.schema, Identifier.of(name));
			try {
				execute(connection, "DROP VIEW " + view.quoted());
			}
			catch (SQLException ex) {
				if (!"2BP01".equals(ex.getSQLState())) {
					throw ex;
				}
				throw new SQLException("View " + view + " of migration " + this.migrationId + " is used by objects zdm did "
						+ "not create, which dropping it would drop too; drop them or make them use the table instead, "
						+ "then try again. " + ex.getMessage(), ex.getSQLState(), ex);
			}
		}
	}

	private static String grantee(String role) {
		return (role != null) ? Identifier.quote(role) : "PUBLIC";
	}

	/** A string literal; only zdm's own markers (made of a migration id) go through here. */
	private static String literal(String text) {
		return "'" + text.replace("'", "''") + "'";
	}

	private static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

}

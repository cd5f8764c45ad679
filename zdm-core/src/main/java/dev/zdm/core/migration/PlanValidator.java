package dev.zdm.core.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import dev.zdm.core.catalog.CatalogReader;
import dev.zdm.core.catalog.ColumnDependent;
import dev.zdm.core.catalog.ColumnInfo;
import dev.zdm.core.catalog.IndexInfo;
import dev.zdm.core.catalog.RowSecurity;
import dev.zdm.core.catalog.SchemaInfo;
import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.operation.ColumnCopy;
import dev.zdm.core.operation.VersionSchema;
import dev.zdm.core.plan.ChangeColumnType;
import dev.zdm.core.plan.Operation;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.plan.PlanException;
import dev.zdm.core.plan.PlanProblem;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.IndexDefinition;
import dev.zdm.core.sync.SyncTrigger;

/**
 * Checks a plan against the live catalog before any DDL runs: tables, columns and keys exist as named,
 * new names are free, and PostgreSQL itself type-checks every SQL fragment (with {@code EXPLAIN}, in a
 * read-only transaction that is rolled back). Every problem is reported at once.
 */
final class PlanValidator {

	private final DataSource dataSource;

	private final Identifier stateSchema;

	PlanValidator(DataSource dataSource, Identifier stateSchema) {
		this.dataSource = dataSource;
		this.stateSchema = stateSchema;
	}

	/**
	 * Validates {@code plan}; {@code beforeExpand} also requires the names the plan adds to be free (after
	 * expand they exist: zdm made them).
	 */
	void validate(Plan plan, boolean beforeExpand) {
		List<PlanProblem> problems = new ArrayList<>();
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			connection.setReadOnly(true);
			try {
				CatalogReader catalog = new CatalogReader(connection);
				Set<String> touched = new HashSet<>();
				java.util.Map<String, String> viewNames = new java.util.HashMap<>();
				for (int i = 0; i < plan.operations().size(); i++) {
					Operation operation = plan.operations().get(i);
					Optional<TableInfo> table = catalog.table(operation.table());
					if (table.isPresent()) {
						// The version schema shows each table under its bare name.
						String previous = viewNames.putIfAbsent(table.get().name(), table.get().qualifiedName().toString());
						if (previous != null && !previous.equals(table.get().qualifiedName().toString())) {
							new Check(plan, i + 1, operation, problems).fail("tables " + previous + " and "
									+ table.get().qualifiedName() + " have the same name; change them in two migrations.");
						}
					}
				}
				java.util.Map<Long, Integer> carriedIndexes = new java.util.HashMap<>();
				for (int i = 0; i < plan.operations().size(); i++) {
					Operation operation = plan.operations().get(i);
					Check check = new Check(plan, i + 1, operation, problems);
					validate(connection, catalog, operation, check, touched, beforeExpand, carriedIndexes);
				}
				validateIsolation(connection, catalog, plan, problems);
			}
			finally {
				connection.rollback();
				connection.setReadOnly(false);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not read the catalog to validate plan " + plan.id() + ": "
					+ ex.getMessage(), ex);
		}
		if (!problems.isEmpty()) {
			throw new PlanException(plan.id(), problems);
		}
	}

	private void validate(Connection connection, CatalogReader catalog, Operation operation, Check check,
			Set<String> touched, boolean beforeExpand, java.util.Map<Long, Integer> carriedIndexes) throws SQLException {
		Optional<TableInfo> found = catalog.table(operation.table());
		if (found.isEmpty()) {
			check.fail("table \"" + operation.table() + "\" does not exist" + knownTables(connection, this.stateSchema)
					+ ". Fix the table name (schema-qualify it if it is not on the search_path).");
			return;
		}
		TableInfo table = found.get();
		Identifier oldName = ColumnCopy.oldColumnName(operation);
		Identifier newName = ColumnCopy.newColumnName(operation);
		if (table.primaryKey().isEmpty()) {
			check.fail("table " + table.qualifiedName() + " has no primary key; zdm backfills in batches over the "
					+ "primary key. Add one first.");
		}
		Optional<ColumnInfo> column = table.column(oldName.name());
		if (column.isEmpty()) {
			check.fail("table " + table.qualifiedName() + " has no column \"" + oldName + "\". Known columns: "
					+ table.columnNames() + ".");
			return;
		}
		ColumnInfo old = column.get();
		if (!touched.add(table.oid() + "." + old.name()) || !touched.add(table.oid() + "." + newName.name())) {
			check.fail("column \"" + oldName + "\" or \"" + newName + "\" of " + table.qualifiedName()
					+ " is already changed by an earlier operation of this plan: combine them into one operation or "
					+ "split them into two migrations.");
		}
		if (old.identity() || old.generated()) {
			check.fail("column \"" + oldName + "\" is " + (old.identity() ? "an identity" : "a generated")
					+ " column, which zdm cannot copy yet.");
		}
		if (beforeExpand && table.column(newName.name()).isPresent()) {
			check.fail("table " + table.qualifiedName() + " already has a column \"" + newName + "\"; choose another name"
					+ ((operation instanceof ChangeColumnType) ? " with 'rename'." : "."));
		}
		if (newName.name().length() > Identifier.MAX_BYTES) {
			check.fail("the temporary column name \"" + newName + "\" is too long; give the column a final name with 'rename'.");
		}
		// Indexes and the unique constraints they back are rebuilt on the new column; nothing else is yet.
		List<IndexInfo> indexes = catalog.indexesOn(table, old);
		Set<Long> carried = new HashSet<>();
		for (IndexInfo index : indexes) {
			carried.add(index.oid());
			Integer other = carriedIndexes.putIfAbsent(index.oid(), check.index());
			if (other != null) {
				check.fail("index " + index.name() + " covers columns changed by operations " + other + " and "
						+ check.index() + ", which zdm cannot rebuild in one step: change them in two migrations, or drop "
						+ "the index first and recreate it after.");
			}
			try {
				IndexDefinition.concurrentCopy(index.definition(), Identifier.of("zdm_check"), oldName, newName);
			}
			catch (IllegalArgumentException ex) {
				check.fail("index " + index.name() + " on \"" + oldName + "\" cannot be rebuilt on the new column: "
						+ ex.getMessage());
			}
		}
		List<ColumnDependent> dependents = catalog.dependents(table, old).stream()
			.filter((dependent) -> !("pg_class".equals(dependent.kind()) && carried.contains(dependent.oid())))
			.filter((dependent) -> !"u".equals(dependent.constraintType()))
			.filter((dependent) -> !isOwnMarkTrigger(dependent, check))
			.toList();
		if (!dependents.isEmpty()) {
			check.fail("column \"" + oldName + "\" is used by " + dependents.stream()
				.map(ColumnDependent::description)
				.collect(Collectors.joining(", "))
					+ "; zdm carries indexes and unique constraints across to the new column, but not these yet. "
					+ "Drop them before this migration and recreate them on \"" + newName + "\" after it.");
		}
		if (operation instanceof ChangeColumnType change) {
			validateChangeType(connection, table, old, change, check);
		}
	}

	/** This operation's own trigger {@code BEFORE UPDATE OF} the old column, there once its expand ran. */
	private static boolean isOwnMarkTrigger(ColumnDependent dependent, Check check) {
		Identifier mark = SyncTrigger.markName(Identifier.of(ColumnCopy.objectName(check.plan().id(), check.index())),
				false);
		return "pg_trigger".equals(dependent.kind()) && dependent.description().startsWith("trigger " + mark + " on ");
	}

	private void validateChangeType(Connection connection, TableInfo table, ColumnInfo old, ChangeColumnType change,
			Check check) throws SQLException {
		if (!explain(connection, "SELECT CAST(NULL AS " + change.type() + ")", check, "'type' " + change.type()
				+ " is not a type PostgreSQL knows")) {
			return;
		}
		explain(connection, "SELECT CAST((" + change.up() + ") AS " + change.type() + ") FROM " + table.qualifiedName().quoted(),
				check, "'up' does not give a " + change.type() + " from the old row (columns: " + table.columnNames()
						+ ")");
		// As the trigger evaluates it: the new column under its final name shadows the row's columns.
		explain(connection, "SELECT (SELECT CAST((" + change.down() + ") AS " + old.type() + ") FROM (SELECT CAST(NULL AS "
				+ change.type() + ") AS " + change.finalName().quoted() + ") AS _zdm_new) FROM "
				+ table.qualifiedName().quoted() + " AS _zdm_row", check, "'down' does not give a " + old.type()
						+ " (the old type) from the new row, where the new column is \"" + change.finalName() + "\"");
		if (change.defaultExpression() != null) {
			explain(connection, "SELECT CAST((" + change.defaultExpression() + ") AS " + change.type() + ")", check,
					"'default' is not a " + change.type());
		}
		else if (old.defaultExpression() != null) {
			check.fail("column \"" + old.name() + "\" has the default " + old.defaultExpression()
					+ ", which cannot be carried across a type change: give the new column's default with 'default'.");
		}
	}

	/**
	 * What keeps zdm apart from what it does not own, and every row within its sight: the version schema's
	 * name is free (or already zdm's, for this migration), no table is zdm's own, zdm's role sees every row
	 * of each table, and the version schema's views can apply each table's row level security.
	 */
	private void validateIsolation(Connection connection, CatalogReader catalog, Plan plan, List<PlanProblem> problems)
			throws SQLException {
		String versionSchema = VersionSchema.name(plan.id());
		if (versionSchema.equals(this.stateSchema.name())) {
			problems.add(new PlanProblem(plan.source(), 0, 0, 0, null, "the version schema of this migration would be "
					+ versionSchema + ", which is zdm's state schema (zdm.schema): give the migration another id, or keep "
					+ "zdm's state in another schema."));
		}
		else {
			Optional<SchemaInfo> existing = catalog.schema(versionSchema);
			if (existing.isPresent() && !VersionSchema.marker(plan.id()).equals(existing.get().comment())) {
				Optional<String> other = VersionSchema.migrationOf(existing.get().comment());
				problems.add(new PlanProblem(plan.source(), 0, 0, 0, null, other.isPresent()
						? "schema " + versionSchema + " is already the version schema of migration " + other.get()
								+ ": give this migration another id."
						: "schema " + versionSchema + ", the version schema zdm would create for this migration, already "
								+ "exists and was not created by zdm for it; zdm never drops what it did not create. Rename "
								+ "that schema, or give the migration another id."));
			}
		}
		int serverVersion = connection.getMetaData().getDatabaseMajorVersion();
		Set<Long> tables = new HashSet<>();
		for (int i = 0; i < plan.operations().size(); i++) {
			Operation operation = plan.operations().get(i);
			Optional<TableInfo> found = catalog.table(operation.table());
			if (found.isEmpty()) {
				continue;
			}
			TableInfo table = found.get();
			Check check = new Check(plan, i + 1, operation, problems);
			if (table.schema().equals(this.stateSchema.name())) {
				check.fail("table " + table.qualifiedName() + " is in zdm's state schema (zdm.schema), which zdm does not "
						+ "migrate: its state would become unreadable. Change the tables of your application only.");
				continue;
			}
			Optional<String> versionOf = catalog.schema(table.schema())
				.flatMap((schema) -> VersionSchema.migrationOf(schema.comment()));
			if (versionOf.isPresent()) {
				check.fail("table " + table.qualifiedName() + " is in the version schema of migration " + versionOf.get()
						+ ", which zdm drops when that migration ends. Move the table to a schema of your own first.");
				continue;
			}
			if (!tables.add(table.oid())) {
				continue;
			}
			RowSecurity rowSecurity = catalog.rowSecurity(table);
			if (rowSecurity.appliesToRole()) {
				check.fail(rowSecurityApplies(table, rowSecurity));
			}
			if (rowSecurity.enabled() && !VersionSchema.viewsApplyRowSecurity(serverVersion)) {
				check.fail("table " + table.qualifiedName() + " has row level security, and PostgreSQL " + serverVersion
						+ " cannot make the views of the version schema " + versionSchema + " apply it (views run with "
						+ "the caller's rights from PostgreSQL 15, security_invoker): through them, every role allowed to "
						+ "read the table would see all of its rows. Run this migration on PostgreSQL 15 or newer.");
			}
		}
	}

	private static String rowSecurityApplies(TableInfo table, RowSecurity rowSecurity) {
		String role = "role \"" + rowSecurity.role() + "\"";
		String consequence = ", so the table's policies apply to zdm: the backfill and its verification would see only "
				+ "the rows the policies show it, and every other row would lose its value at contract. ";
		if (rowSecurity.roleIsOwner()) {
			return "table " + table.qualifiedName() + " has FORCE ROW LEVEL SECURITY and zdm connects as " + role
					+ ", its owner" + consequence + bypassRole(rowSecurity) + ", or run ALTER TABLE " + table.qualifiedName()
					+ " NO FORCE ROW LEVEL SECURITY until the migration completes.";
		}
		return "table " + table.qualifiedName() + " has row level security and zdm connects as " + role
				+ ", which is neither its owner (\"" + rowSecurity.owner() + "\") nor a role with BYPASSRLS"
				+ consequence + bypassRole(rowSecurity) + ".";
	}

	/** The fix that leaves the application's own row level security as it is: a role for zdm alone. */
	private static String bypassRole(RowSecurity rowSecurity) {
		return "Connect zdm as a role with BYPASSRLS that only zdm uses and that is a member of the table's owner, so it "
				+ "may change the table (a superuser creates it: CREATE ROLE zdm_migrator LOGIN BYPASSRLS IN ROLE \""
				+ rowSecurity.owner() + "\")";
	}

	private boolean explain(Connection connection, String sql, Check check, String what) throws SQLException {
		Savepoint savepoint = connection.setSavepoint();
		try (Statement statement = connection.createStatement()) {
			statement.execute("EXPLAIN " + sql);
			connection.releaseSavepoint(savepoint);
			return true;
		}
		catch (SQLException ex) {
			connection.rollback(savepoint);
			check.fail(what + ": " + firstLine(ex.getMessage()));
			return false;
		}
	}

	private static String firstLine(String message) {
		int newline = (message != null) ? message.indexOf('\n') : -1;
		return (newline >= 0) ? message.substring(0, newline) : message;
	}

	private static String knownTables(Connection connection, Identifier stateSchema) throws SQLException {
		List<String> names = new ArrayList<>();
		try (PreparedStatement statement = connection.prepareStatement("""
				SELECT CASE WHEN n.nspname = ANY (current_schemas(false)) THEN c.relname ELSE n.nspname || '.' || c.relname END
				FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
				WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
				  AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname <> ?
				ORDER BY 1 LIMIT 21""")) {
			statement.setString(1, stateSchema.name());
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					names.add(rs.getString(1));
				}
			}
		}
		if (names.isEmpty()) {
			return " (the database has no tables)";
		}
		String list = String.join(", ", names.subList(0, Math.min(20, names.size())));
		return ". Known tables: " + list + ((names.size() > 20) ? ", ..." : "");
	}

	private record Check(Plan plan, int index, Operation operation, List<PlanProblem> problems) {

		void fail(String message) {
			this.problems.add(new PlanProblem(this.plan.source(), 0, 0, this.index, this.operation.kind(), message));
		}

	}

}

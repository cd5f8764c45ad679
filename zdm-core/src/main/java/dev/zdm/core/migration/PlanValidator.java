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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import dev.zdm.core.catalog.CatalogReader;
import dev.zdm.core.catalog.ColumnDependent;
import dev.zdm.core.catalog.ColumnInfo;
import dev.zdm.core.catalog.DependentView;
import dev.zdm.core.catalog.DomainInfo;
import dev.zdm.core.catalog.ExpressionFunction;
import dev.zdm.core.catalog.IndexInfo;
import dev.zdm.core.catalog.RowSecurity;
import dev.zdm.core.catalog.SchemaInfo;
import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.catalog.TriggerInfo;
import dev.zdm.lint.SqlReferences;
import dev.zdm.core.operation.ColumnCopy;
import dev.zdm.core.operation.VersionSchema;
import dev.zdm.core.plan.ChangeColumnType;
import dev.zdm.core.plan.Operation;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.plan.PlanException;
import dev.zdm.core.plan.PlanProblem;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.IndexDefinition;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.core.state.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a plan against the live catalog before any DDL runs: tables, columns and keys exist as named,
 * new names are free, and PostgreSQL itself checks every SQL fragment in the scope and the clause where
 * zdm will run it (in temporary views and tables of a transaction that is rolled back). Every problem is
 * reported at once. A plan that passes may still get warnings (a lossy {@code up}/{@code down} pair).
 */
final class PlanValidator {

	private static final Logger logger = LoggerFactory.getLogger(PlanValidator.class);

	/** How many rows, the first by primary key, are read to find values that 'up' then 'down' change. */
	static final int ROUND_TRIP_SAMPLE = 10_000;

	private final DataSource dataSource;

	private final Identifier stateSchema;

	private final StateStore state;

	PlanValidator(DataSource dataSource, Identifier stateSchema) {
		this.dataSource = dataSource;
		this.stateSchema = stateSchema;
		this.state = new StateStore(dataSource, stateSchema);
	}

	/**
	 * What validation found in a plan it accepted.
	 * @param warnings what the plan's author should know before going ahead (never a reason to refuse)
	 */
	record Validation(List<PlanProblem> warnings) {
	}

	/**
	 * Validates {@code plan}; {@code beforeExpand} also requires the names the plan adds to be free (after
	 * expand they exist: zdm made them).
	 * @return the warnings, logged already
	 * @throws PlanException if the plan does not fit the database
	 */
	Validation validate(Plan plan, boolean beforeExpand) {
		List<PlanProblem> problems = new ArrayList<>();
		List<PlanProblem> warnings = new ArrayList<>();
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			// Not read-only: expressions are checked in temporary views and tables, which the rollback drops.
			try {
				CatalogReader catalog = new CatalogReader(connection);
				Map<String, Phase> unfinished = this.state.unfinished(connection);
				unfinished.remove(plan.id());
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
					validate(connection, catalog, operation, check, touched, beforeExpand, carriedIndexes, unfinished);
				}
				validateIsolation(connection, catalog, plan, problems);
			}
			finally {
				connection.rollback();
			}
			if (problems.isEmpty()) {
				roundTrips(connection, plan, warnings);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not read the catalog to validate plan " + plan.id() + ": "
					+ ex.getMessage(), ex);
		}
		if (!problems.isEmpty()) {
			throw new PlanException(plan.id(), problems);
		}
		for (PlanProblem warning : warnings) {
			logger.warn("Plan {}: {}", plan.id(), warning);
		}
		return new Validation(List.copyOf(warnings));
	}

	private void validate(Connection connection, CatalogReader catalog, Operation operation, Check check,
			Set<String> touched, boolean beforeExpand, java.util.Map<Long, Integer> carriedIndexes,
			Map<String, Phase> unfinished) throws SQLException {
		Optional<TableInfo> found = catalog.table(operation.table());
		if (found.isEmpty()) {
			check.fail("table \"" + operation.table() + "\" does not exist" + knownTables(connection, this.stateSchema)
					+ ". Fix the table name (schema-qualify it if it is not on the search_path).");
			return;
		}
		TableInfo table = found.get();
		if (!derivedNamesFit(operation, check)) {
			return;
		}
		Identifier oldName = ColumnCopy.oldColumnName(operation);
		Identifier newName = ColumnCopy.newColumnName(operation);
		List<TriggerInfo> triggers = catalog.triggers(table);
		Set<Long> zdmViews = checkNotHeld(catalog, table, triggers, unfinished, check);
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
			// zdm's triggers on the column: this migration's own (after expand), or another's, reported above.
			.filter((dependent) -> !isSyncTriggerOf(dependent, triggers, check.plan().id(), unfinished.keySet()))
			// Version schema views: this migration's own (after expand), or another's, reported above.
			.filter((dependent) -> !("pg_rewrite".equals(dependent.kind()) && zdmViews.contains(dependent.oid())))
			.toList();
		if (!dependents.isEmpty()) {
			check.fail("column \"" + oldName + "\" is used by " + dependents.stream()
				.map(ColumnDependent::description)
				.collect(Collectors.joining(", "))
					+ "; zdm carries indexes and unique constraints across to the new column, but not these yet. "
					+ "Drop them before this migration and recreate them on \"" + newName + "\" after it.");
		}
		Identifier finalName = (operation instanceof ChangeColumnType change) ? change.finalName() : newName;
		if (!(operation instanceof ChangeColumnType)) {
			// A rename adds the new column with the old one's type.
			checkNotConstrainedDomain(catalog, old.type(), old, check);
		}
		checkTriggers(catalog, table, old, newName, finalName, triggers, check);
		if (operation instanceof ChangeColumnType change) {
			validateChangeType(connection, catalog, table, old, change, check);
		}
	}

	/** Whether a dependent is a sync trigger of migration {@code id} or of one of {@code others}. */
	private boolean isSyncTriggerOf(ColumnDependent dependent, List<TriggerInfo> triggers, String id,
			Set<String> others) {
		if (!"pg_trigger".equals(dependent.kind())) {
			return false;
		}
		for (TriggerInfo trigger : triggers) {
			if (dependent.description().startsWith("trigger " + trigger.name() + " on ")
					&& (isSyncTriggerOf(trigger, id) || others.stream().anyMatch((other) -> isSyncTriggerOf(trigger, other)))) {
				return true;
			}
		}
		return false;
	}

	private void validateChangeType(Connection connection, CatalogReader catalog, TableInfo table, ColumnInfo old,
			ChangeColumnType change, Check check) throws SQLException {
		if (!explain(connection, "SELECT CAST(NULL AS " + change.type() + ")", check, "'type' " + change.type()
				+ " is not a type PostgreSQL knows")) {
			return;
		}
		checkNotConstrainedDomain(catalog, change.type(), null, check);
		// Both expressions are checked in the scope the trigger gives them (the row alone, as a subquery, so
		// that the table's name is not in scope) and in a WHERE clause, as the backfill and its verification
		// use 'up', where PostgreSQL refuses aggregate, window and set-returning functions.
		String row = "(SELECT * FROM " + table.qualifiedName().quoted() + ") AS _zdm_row";
		checkExpression(connection, catalog, table, "'up'", "SELECT 1 AS _zdm FROM " + row + " WHERE CAST(("
				+ change.up() + ") AS " + change.type() + ") IS NOT NULL", check, "'up' does not give a " + change.type()
						+ " from the old row (columns: " + table.columnNames() + ")");
		// The new column under its final name shadows the row's columns.
		checkExpression(connection, catalog, table, "'down'", "SELECT 1 AS _zdm FROM " + row
				+ " WHERE EXISTS (SELECT 1 FROM (SELECT CAST(NULL AS " + change.type() + ") AS "
				+ change.finalName().quoted() + ") AS _zdm_new WHERE CAST((" + change.down() + ") AS " + old.type()
				+ ") IS NOT NULL)", check, "'down' does not give a " + old.type()
						+ " (the old type) from the new row, where the new column is \"" + change.finalName() + "\"");
		if (change.defaultExpression() != null) {
			// Contract sets it with SET DEFAULT, which allows less than a SELECT does (no subquery, column or
			// aggregate): PostgreSQL checks a column default the same way when a table is created.
			sql(connection, "CREATE TEMPORARY TABLE " + scratch("default").quoted() + " (v " + change.type()
					+ " DEFAULT (" + change.defaultExpression() + "))", check, "'default' cannot be the default of a "
							+ change.type() + " column (contract sets it with ALTER COLUMN ... SET DEFAULT)",
					". A default is a constant, or an expression of constants and functions: give one that is.");
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
		return sql(connection, "EXPLAIN " + sql, check, what, "");
	}

	/**
	 * Runs {@code sql} in a savepoint, undone after (what it created would clash with the next operation's);
	 * if PostgreSQL refuses it, reports {@code what}, its error and {@code fix}.
	 */
	private boolean sql(Connection connection, String sql, Check check, String what, String fix) throws SQLException {
		Savepoint savepoint = connection.setSavepoint();
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
			connection.rollback(savepoint);
			return true;
		}
		catch (SQLException ex) {
			connection.rollback(savepoint);
			check.fail(what + ": " + firstLine(ex.getMessage()) + fix);
			return false;
		}
	}

	/** A name for a temporary object of the validation (in pg_temp, gone with the rollback). */
	private static QualifiedName scratch(String what) {
		return new QualifiedName(Identifier.of("pg_temp"), Identifier.of("_zdm_check_" + what));
	}

	/**
	 * Checks an expression by creating a temporary view of {@code select} (which holds it), then planning the
	 * view: PostgreSQL resolves names, types and clauses as zdm will, and folds what it can. The view's query
	 * tree then names every function the expression calls, to refuse volatile ones.
	 */
	private void checkExpression(Connection connection, CatalogReader catalog, TableInfo table, String what,
			String select, Check check, String failure) throws SQLException {
		QualifiedName view = scratch("expression");
		Savepoint savepoint = connection.setSavepoint();
		List<ExpressionFunction> functions;
		try (Statement statement = connection.createStatement()) {
			statement.execute("CREATE TEMPORARY VIEW " + view.quoted() + " AS " + select);
			statement.execute("EXPLAIN SELECT * FROM " + view.quoted());
			functions = catalog.functionsCalledBy(view);
		}
		catch (SQLException ex) {
			connection.rollback(savepoint);
			check.fail(expressionError(what, table, failure, ex));
			return;
		}
		connection.rollback(savepoint);
		List<String> volatileFunctions = functions.stream()
			.filter(ExpressionFunction::isVolatile)
			.map(ExpressionFunction::signature)
			.toList();
		if (!volatileFunctions.isEmpty()) {
			check.fail(what + " calls the volatile function" + ((volatileFunctions.size() > 1) ? "s " : " ")
					+ String.join(", ", volatileFunctions) + ", which may give another value each time: zdm computes "
					+ what + " again to verify the backfill and on every write, so the copies would never agree. Use a "
					+ "deterministic expression: immutable or stable functions only (declare a function of your own "
					+ "IMMUTABLE or STABLE when it is).");
		}
	}

	private static String expressionError(String what, TableInfo table, String failure, SQLException ex) {
		String state = (ex.getSQLState() != null) ? ex.getSQLState() : "";
		String error = firstLine(ex.getMessage());
		String kind = switch (state) {
			case "42803" -> "an aggregate function";
			case "42P20" -> "a window function";
			default -> ("0A000".equals(state) && error.contains("set-returning")) ? "a set-returning function" : null;
		};
		if (kind != null) {
			// PostgreSQL's message names the clause of the check ("not allowed in WHERE"), not the user's.
			return what + " uses " + kind + ": zdm computes " + what + " for one row at a time, in the backfill's "
					+ "UPDATE and in the sync trigger, where it must give one value from that row alone. Compute it from "
					+ "the row's own columns.";
		}
		String message = failure + ": " + error;
		if (("42P01".equals(state) || "42703".equals(state)) && error.contains("\"" + table.name() + "\"")) {
			message += ". Refer to the row's columns by their bare names (price, not " + table.name() + ".price or ("
					+ table.name() + ").price): the sync trigger evaluates " + what + " over the row being written, "
					+ "where the table's name is not in scope.";
		}
		return message;
	}

	/**
	 * Every name zdm derives from the plan must fit PostgreSQL's 63-byte limit: the temporary column, the
	 * trigger, function, check and index copies (named after the migration and the operation) and the version
	 * schema. Checked before any of them is built, which would throw.
	 */
	private static boolean derivedNamesFit(Operation operation, Check check) {
		String id = check.plan().id();
		try {
			ColumnCopy.newColumnName(operation);
		}
		catch (IllegalArgumentException ex) {
			Identifier column = ColumnCopy.oldColumnName(operation);
			check.fail("the temporary column name \"" + column + ColumnCopy.TEMPORARY_SUFFIX + "\" is longer than "
					+ "PostgreSQL's " + Identifier.MAX_BYTES + "-byte limit: give the column a final name with 'rename' "
					+ "(or shorten the column's name first).");
			return false;
		}
		String base = ColumnCopy.objectName(id, check.index());
		List<String> names = new ArrayList<>(List.of(base, base + "_nn", VersionSchema.name(id)));
		try {
			names.add(ColumnCopy.temporaryIndexName(id, check.index(), "index").name());
		}
		catch (IllegalArgumentException ex) {
			names.add(base + "_xxxxxxxx");
		}
		for (String name : names) {
			if (Identifier.problem(name) != null) {
				check.fail("the name \"" + name + "\" that zdm derives from the migration id for its objects is longer "
						+ "than PostgreSQL's " + Identifier.MAX_BYTES + "-byte limit: shorten the migration id.");
				return false;
			}
		}
		return true;
	}

	/**
	 * A table that another unfinished migration is changing is refused: its version schema's view and its
	 * sync trigger are on the table, and the two migrations' steps would break each other. Returns the rules
	 * of zdm's views on the table: this migration's own, and those of the others, already explained.
	 */
	private Set<Long> checkNotHeld(CatalogReader catalog, TableInfo table, List<TriggerInfo> triggers,
			Map<String, Phase> unfinished, Check check) throws SQLException {
		Set<Long> zdmViews = new HashSet<>();
		List<DependentView> views = catalog.viewsOn(table);
		for (DependentView view : views) {
			if (view.schema().equals(VersionSchema.name(check.plan().id()))) {
				zdmViews.add(view.ruleOid());
			}
		}
		for (Map.Entry<String, Phase> other : unfinished.entrySet()) {
			String id = other.getKey();
			List<String> objects = new ArrayList<>();
			for (TriggerInfo trigger : triggers) {
				if (isSyncTriggerOf(trigger, id) && !trigger.name().endsWith("_new") && !trigger.name().endsWith("_old")) {
					objects.add("its sync trigger " + trigger.name());
				}
			}
			for (DependentView view : views) {
				if (view.schema().equals(VersionSchema.name(id))) {
					objects.add("its view " + view.schema() + "." + view.name());
					zdmViews.add(view.ruleOid());
				}
			}
			if (!objects.isEmpty()) {
				check.fail("table " + table.qualifiedName() + " is being changed by migration " + id + ", which is "
						+ other.getValue() + " (" + String.join(" and ", objects) + " are on the table). Finish that "
						+ "migration (advance it to " + Phase.COMPLETED + ") or roll it back, then start this one.");
			}
		}
		return zdmViews;
	}

	/** Whether {@code trigger} is zdm's sync trigger for an operation of migration {@code id}. */
	private boolean isSyncTriggerOf(TriggerInfo trigger, String id) {
		// objectName(id, n) is the same prefix followed by the operation's index.
		String zero = ColumnCopy.objectName(id, 0);
		String prefix = zero.substring(0, zero.length() - 1);
		// The main trigger, or one of its mark triggers (SyncTrigger.markName).
		return isZdmTrigger(trigger) && trigger.name().startsWith(prefix)
				&& trigger.name().substring(prefix.length()).matches("[0-9]+(_new|_old)?");
	}

	/** zdm's own triggers: their functions live in zdm's schema, under the trigger's name. */
	private boolean isZdmTrigger(TriggerInfo trigger) {
		return trigger.functionSchema().equals(this.stateSchema.name()) && trigger.name().startsWith("zdm_");
	}

	/**
	 * The table's own triggers: those that read the column would break once it is gone and are bypassed by
	 * writes through the new column meanwhile; and none may fire for the backfill's update of every row, which
	 * runs with {@code session_replication_role = replica} so that ordinary triggers do not.
	 */
	private void checkTriggers(CatalogReader catalog, TableInfo table, ColumnInfo old, Identifier newName,
			Identifier finalName, List<TriggerInfo> triggers, Check check) throws SQLException {
		List<TriggerInfo> user = triggers.stream().filter((trigger) -> !isZdmTrigger(trigger)).toList();
		if (user.isEmpty()) {
			return;
		}
		List<TriggerInfo> reading = user.stream().filter((trigger) -> reads(trigger, old.name())).toList();
		if (!reading.isEmpty()) {
			String them = (reading.size() > 1) ? "them" : "it";
			check.fail("column \"" + old.name() + "\" is read by " + describe(reading) + ": once the column is "
					+ (old.name().equals(finalName.name()) ? "replaced" : "gone") + ", every write would fail in " + them
					+ ", and meanwhile writes through \"" + newName + "\" bypass " + them + ". Drop " + them + " before "
					+ "this migration and recreate " + them + ", adapted to \"" + finalName + "\", after it.");
		}
		boolean replica = catalog.canSetSessionReplicationRole();
		// UPDATE OF triggers fire only for the columns they list: the backfill writes the new column alone.
		List<TriggerInfo> onBackfill = user.stream()
			.filter((trigger) -> trigger.onUpdate()
					&& (trigger.updateColumns().isEmpty() || trigger.updateColumns().contains(newName.name())))
			.toList();
		List<TriggerInfo> always = onBackfill.stream()
			.filter((trigger) -> trigger.enabled() == 'A' || (replica && trigger.enabled() == 'R'))
			.toList();
		if (!always.isEmpty()) {
			check.fail("the backfill updates every row of " + table.qualifiedName() + " with session_replication_role = "
					+ "replica, so that the table's triggers do not fire for it, but " + describe(always)
					+ ((always.size() > 1) ? " fire" : " fires") + " even then (" + always.stream()
						.map((trigger) -> "ALTER TABLE ... " + trigger.enabledAs() + " TRIGGER " + trigger.name())
						.collect(Collectors.joining(", "))
					+ "). Make " + ((always.size() > 1) ? "them ordinary triggers" : "it an ordinary trigger")
					+ " while the migration runs (ALTER TABLE ... ENABLE TRIGGER), or drop " + ((always.size() > 1) ? "them" : "it")
					+ " before the migration and recreate " + ((always.size() > 1) ? "them" : "it") + " after it.");
		}
		List<TriggerInfo> ordinary = onBackfill.stream().filter((trigger) -> trigger.enabled() == 'O').toList();
		if (!replica && !ordinary.isEmpty()) {
			String role = Identifier.quote(catalog.currentRole());
			check.fail("the backfill updates every row of " + table.qualifiedName() + ", which would fire "
					+ describe(ordinary) + " for each row. zdm runs the backfill with session_replication_role = replica "
					+ "so that they do not fire, but its role " + role + " may not set that parameter. Grant it (GRANT SET "
					+ "ON PARAMETER session_replication_role TO " + role + ", PostgreSQL 15+), or run zdm as a role that "
					+ "may; or drop the triggers before the migration and recreate them after.");
		}
	}

	/** Whether a trigger's function body or arguments name the column. */
	private static boolean reads(TriggerInfo trigger, String column) {
		// A C function's source is only its symbol; its arguments say which columns it reads.
		boolean compiled = "c".equals(trigger.language()) || "internal".equals(trigger.language());
		return (!compiled && SqlReferences.mentions(trigger.body(), column)) || trigger.arguments()
			.stream()
			.anyMatch((argument) -> argument.equals(column) || SqlReferences.mentions(argument, column));
	}

	private static String describe(List<TriggerInfo> triggers) {
		return ((triggers.size() > 1) ? "triggers " : "trigger ") + triggers.stream()
			.map((trigger) -> trigger.name() + " (function " + trigger.function() + ")")
			.collect(Collectors.joining(", "));
	}

	/**
	 * A new column whose type is a domain with a check, {@code NOT NULL} or a default makes {@code ADD COLUMN}
	 * check or fill every existing row under {@code ACCESS EXCLUSIVE}: expand must never rewrite or scan.
	 * {@code renamed} is the column a rename copies (whose type the new column gets), or {@code null} for a
	 * type change to {@code type}.
	 */
	private static void checkNotConstrainedDomain(CatalogReader catalog, String type, ColumnInfo renamed, Check check)
			throws SQLException {
		List<DomainInfo> domains = catalog.domains(type);
		List<String> constraints = new ArrayList<>();
		for (DomainInfo domain : domains) {
			List<String> what = new ArrayList<>(domain.checks());
			if (domain.notNull()) {
				what.add("NOT NULL");
			}
			if (domain.defaultExpression() != null) {
				what.add("DEFAULT " + domain.defaultExpression());
			}
			if (!what.isEmpty()) {
				constraints.add(String.join(" ", what) + " (domain " + domain.name() + ")");
			}
		}
		if (constraints.isEmpty()) {
			return;
		}
		String base = domains.get(domains.size() - 1).baseType();
		String problem = " is a domain with " + String.join(", ", constraints) + ": adding a column of it makes "
				+ "PostgreSQL check or fill every existing row under an ACCESS EXCLUSIVE lock, blocking reads and writes "
				+ "for as long as that takes. ";
		if (renamed == null) {
			check.fail("'type' " + type + problem + "Use its base type " + base + " as 'type' (with 'default' for a "
					+ "default), and add the check after the migration as a constraint: ADD CONSTRAINT ... CHECK (...) "
					+ "NOT VALID, then VALIDATE CONSTRAINT.");
		}
		else {
			check.fail("the type of column \"" + renamed.name() + "\", " + type + "," + problem + "Change the column "
					+ "to the base type " + base + " first (changeColumnType), with the domain's check as a table "
					+ "constraint (ADD CONSTRAINT ... CHECK (...) NOT VALID, then VALIDATE CONSTRAINT), then rename it.");
		}
	}

	/**
	 * Warns about 'up'/'down' pairs that do not give back the old value: after switch the old column is
	 * written from 'down', so old code and a rollback would see the changed value. Reads a sample of rows in
	 * a read-only transaction; never refuses the plan.
	 */
	private void roundTrips(Connection connection, Plan plan, List<PlanProblem> warnings) throws SQLException {
		connection.setReadOnly(true);
		try {
			CatalogReader catalog = new CatalogReader(connection);
			try (Statement statement = connection.createStatement()) {
				// A read of a sample: it must neither run long nor queue behind a lock for long.
				statement.execute("SET LOCAL statement_timeout = '30s'");
				statement.execute("SET LOCAL lock_timeout = '5s'");
			}
			for (int i = 0; i < plan.operations().size(); i++) {
				if (plan.operations().get(i) instanceof ChangeColumnType change) {
					Check check = new Check(plan, i + 1, change, warnings);
					Optional<TableInfo> table = catalog.table(change.table());
					Optional<ColumnInfo> old = table.flatMap((found) -> found.column(change.column().name()));
					if (old.isPresent() && !table.get().primaryKey().isEmpty()) {
						roundTrip(connection, table.get(), old.get(), change, check);
					}
				}
			}
		}
		finally {
			connection.rollback();
			connection.setReadOnly(false);
		}
	}

	private void roundTrip(Connection connection, TableInfo table, ColumnInfo old, ChangeColumnType change, Check check)
			throws SQLException {
		List<ColumnInfo> key = table.primaryKey();
		String column = "_zdm_row." + Identifier.of(old.name()).quoted();
		String keys = IntStream.range(0, key.size())
			.mapToObj((i) -> "_zdm_row." + Identifier.of(key.get(i).name()).quoted() + "::text AS _zdm_k" + i)
			.collect(Collectors.joining(", "));
		String order = key.stream().map((part) -> Identifier.of(part.name()).quoted()).collect(Collectors.joining(", "));
		// 'up' over the row, then 'down' with the new value under its final name, as the trigger computes them.
		String sql = "WITH _zdm_sample AS MATERIALIZED (SELECT " + keys + ", " + column + "::text AS _zdm_old, "
				+ "_zdm_row._zdm_back::text AS _zdm_back, _zdm_row._zdm_back IS DISTINCT FROM " + column + " AS _zdm_lost "
				+ "FROM (SELECT _zdm_row.*, (SELECT CAST((" + change.down() + ") AS " + old.type() + ") FROM (SELECT "
				+ "_zdm_row._zdm_up AS " + change.finalName().quoted() + ") AS _zdm_new) AS _zdm_back FROM (SELECT "
				+ "_zdm_row.*, CAST((" + change.up() + ") AS " + change.type() + ") AS _zdm_up FROM (SELECT * FROM "
				+ table.qualifiedName().quoted() + " ORDER BY " + order + " LIMIT " + ROUND_TRIP_SAMPLE
				+ ") AS _zdm_row) AS _zdm_row) AS _zdm_row) "
				+ "SELECT c.total, c.lost, e.* FROM (SELECT count(*) AS total, count(*) FILTER (WHERE _zdm_lost) AS lost "
				+ "FROM _zdm_sample) AS c LEFT JOIN LATERAL (SELECT * FROM _zdm_sample WHERE _zdm_lost LIMIT 1) AS e ON true";
		Savepoint savepoint = connection.setSavepoint();
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
			rs.next();
			long total = rs.getLong(1);
			long lost = rs.getLong(2);
			if (lost > 0) {
				List<String> example = new ArrayList<>();
				for (int i = 0; i < key.size(); i++) {
					example.add(key.get(i).name() + "=" + text(rs, 3 + i));
				}
				String before = text(rs, 3 + key.size());
				String after = text(rs, 4 + key.size());
				check.fail("'up' then 'down' does not give back the old value of \"" + old.name() + "\" for " + lost
						+ " of the first " + total + " rows (by primary key); for example, at " + String.join(", ", example) + ", " + before
						+ " comes back as " + after + ". After switch the old column is written from 'down' on every "
						+ "write to a row, so old code and a rollback would see " + after + ". Go ahead if that is meant; "
						+ "otherwise make 'down' the inverse of 'up'.");
			}
			connection.releaseSavepoint(savepoint);
		}
		catch (SQLException ex) {
			connection.rollback(savepoint);
			String state = (ex.getSQLState() != null) ? ex.getSQLState() : "";
			if (state.startsWith("22") || state.startsWith("23") || state.startsWith("P0") || state.startsWith("38")
					|| state.startsWith("39")) {
				check.fail("'up' or 'down' fails on some of the first " + ROUND_TRIP_SAMPLE + " rows (by primary key): "
						+ firstLine(ex.getMessage()) + ". The backfill (or, after switch, writes) would fail the same "
						+ "way on such rows: fix the expressions or the data.");
			}
			else {
				logger.info("Plan {}: could not compare 'down' of 'up' with the old values of {}.{} ({}); not checked",
						check.plan().id(), table.qualifiedName(), old.name(), firstLine(ex.getMessage()));
			}
		}
	}

	private static String text(ResultSet rs, int column) throws SQLException {
		String value = rs.getString(column);
		return (value != null) ? value : "NULL";
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

package dev.zdm.core.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import dev.zdm.core.catalog.CatalogReader;
import dev.zdm.core.catalog.DependentView;
import dev.zdm.core.catalog.RowSecurity;
import dev.zdm.core.catalog.SchemaInfo;
import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.catalog.TriggerInfo;
import dev.zdm.core.operation.ObjectNames;
import dev.zdm.core.operation.OperationCheck;
import dev.zdm.core.operation.OperationType;
import dev.zdm.core.operation.Operations;
import dev.zdm.core.operation.VersionSchema;
import dev.zdm.core.plan.Operation;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.plan.PlanException;
import dev.zdm.core.plan.PlanProblem;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.state.StateStore;
import dev.zdm.core.transform.TransformRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a plan against the live catalog before any DDL runs. The plan as a whole and each table here (the
 * table exists, no other migration holds it, zdm's names are free and fit, zdm's role sees every row);
 * what each operation needs, its type ({@link OperationType#validate}), in a transaction that is rolled
 * back, so that PostgreSQL itself can check every SQL fragment in the scope and the clause where zdm will
 * run it. Every problem is reported at once. A plan that passes may still get warnings
 * ({@link OperationType#review}: a lossy {@code up}/{@code down} pair).
 */
final class PlanValidator {

	private static final Logger logger = LoggerFactory.getLogger(PlanValidator.class);

	private final DataSource dataSource;

	private final Identifier stateSchema;

	private final StateStore state;

	private final TransformRegistry transforms;

	PlanValidator(DataSource dataSource, Identifier stateSchema) {
		this(dataSource, stateSchema, TransformRegistry.NONE);
	}

	PlanValidator(DataSource dataSource, Identifier stateSchema, TransformRegistry transforms) {
		this.dataSource = dataSource;
		this.stateSchema = stateSchema;
		this.state = new StateStore(dataSource, stateSchema);
		this.transforms = transforms;
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
				java.util.Map<String, String> viewNames = new java.util.HashMap<>();
				for (int i = 0; i < plan.operations().size(); i++) {
					Operation operation = plan.operations().get(i);
					Optional<TableInfo> table = Operations.bind(operation).table(catalog);
					if (table.isPresent()) {
						// The version schema shows each table under its bare name.
						String previous = viewNames.putIfAbsent(table.get().name(), table.get().qualifiedName().toString());
						if (previous != null && !previous.equals(table.get().qualifiedName().toString())) {
							new Check(plan, i + 1, operation, problems).fail("tables " + previous + " and "
									+ table.get().qualifiedName() + " have the same name; change them in two migrations.");
						}
					}
				}
				OperationCheck.PlanScope scope = new OperationCheck.PlanScope(this.transforms);
				for (int i = 1; i <= plan.operations().size(); i++) {
					validate(connection, catalog, plan, i, beforeExpand, unfinished, scope, problems);
				}
				validateIsolation(connection, catalog, plan, problems);
			}
			finally {
				connection.rollback();
			}
			if (problems.isEmpty()) {
				review(connection, plan, warnings);
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

	private void validate(Connection connection, CatalogReader catalog, Plan plan, int index, boolean beforeExpand,
			Map<String, Phase> unfinished, OperationCheck.PlanScope scope, List<PlanProblem> problems)
			throws SQLException {
		Operation operation = plan.operations().get(index - 1);
		Check check = new Check(plan, index, operation, problems);
		Optional<TableInfo> found = Operations.bind(operation).table(catalog);
		if (found.isEmpty() && Operations.bind(operation).type().needsExistingTable()) {
			String missing = Operations.bind(operation).missingTable();
			check.fail((missing != null) ? missing : "table \"" + operation.table() + "\" does not exist"
					+ knownTables(catalog) + ". Fix the table name (schema-qualify it if it is not on the search_path).");
			return;
		}
		// Without a table (the operation creates it, or names none), its type checks what it needs.
		TableInfo table = found.orElse(null);
		// The names zdm derives for every operation; each type checks those of its own objects.
		for (String name : List.of(ObjectNames.base(plan.id(), index), VersionSchema.name(plan.id()))) {
			if (Identifier.problem(name) != null) {
				check.fail("the name \"" + name + "\" that zdm derives from the migration id for its objects is longer "
						+ "than PostgreSQL's " + Identifier.MAX_BYTES + "-byte limit: shorten the migration id.");
				return;
			}
		}
		List<TriggerInfo> triggers = (table != null) ? catalog.triggers(table) : List.of();
		Set<Long> zdmViews = (table != null) ? checkNotHeld(catalog, table, triggers, unfinished, check) : Set.of();
		Operations.bind(operation).validate(new OperationCheck(plan, index, connection, catalog, table, beforeExpand,
				this.stateSchema, unfinished.keySet(), triggers, zdmViews, scope, problems, new ArrayList<>()));
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
			Optional<TableInfo> found = Operations.bind(operation).table(catalog);
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
				if (view.schema().equals(VersionSchema.name(id)) || ObjectNames.marker(id).equals(view.comment())) {
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

	/** Whether {@code trigger} is zdm's sync trigger (or a mark trigger) for an operation of migration {@code id}. */
	private boolean isSyncTriggerOf(TriggerInfo trigger, String id) {
		return OperationCheck.isZdmTrigger(trigger, this.stateSchema) && ObjectNames.isSyncTriggerOf(trigger.name(), id);
	}


	/**
	 * What each operation's type has to say of a plan it accepted ({@link dev.zdm.core.operation.OperationType#review}),
	 * in a read-only transaction with short timeouts: it reads samples, which must neither run long nor queue
	 * behind a lock for long.
	 */
	private void review(Connection connection, Plan plan, List<PlanProblem> warnings) throws SQLException {
		connection.setReadOnly(true);
		try {
			CatalogReader catalog = new CatalogReader(connection);
			try (Statement statement = connection.createStatement()) {
				statement.execute("SET LOCAL statement_timeout = '30s'");
				statement.execute("SET LOCAL lock_timeout = '5s'");
			}
			for (int i = 1; i <= plan.operations().size(); i++) {
				Operation operation = plan.operations().get(i - 1);
				Optional<TableInfo> table = Operations.bind(operation).table(catalog);
				if (table.isPresent() || !Operations.bind(operation).type().needsExistingTable()) {
					Operations.bind(operation).review(new OperationCheck(plan, i, connection, catalog, table.orElse(null),
							false, this.stateSchema, Set.of(), table.isPresent() ? catalog.triggers(table.get()) : List.of(),
							Set.of(), new OperationCheck.PlanScope(this.transforms), new ArrayList<>(), warnings));
				}
			}
		}
		finally {
			connection.rollback();
			connection.setReadOnly(false);
		}
	}

	private String knownTables(CatalogReader catalog) throws SQLException {
		List<String> names = catalog.tableNames(this.stateSchema.name(), 21);
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

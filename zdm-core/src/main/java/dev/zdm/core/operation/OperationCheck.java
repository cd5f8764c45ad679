package dev.zdm.core.operation;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.zdm.core.catalog.CatalogReader;
import dev.zdm.core.catalog.ColumnDependent;
import dev.zdm.core.catalog.ColumnInfo;
import dev.zdm.core.catalog.DomainInfo;
import dev.zdm.core.catalog.ExpressionFunction;
import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.catalog.TriggerInfo;
import dev.zdm.lint.SqlReferences;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.plan.PlanProblem;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.core.transform.TransformRegistry;

/**
 * What an operation's type validates against: the catalog snapshot (in a transaction that is rolled back,
 * so that expressions can be checked in temporary views and tables), the operation's table as it is, and
 * the checks every operation shares. Problems ({@link #fail}) refuse the plan; warnings ({@link #warn}) are
 * logged and recorded. Each message says what is wrong and what to change; the plan's file and the
 * operation are added to it.
 */
public final class OperationCheck {

	private final Plan plan;

	private final int index;

	private final String kind;

	private final Connection connection;

	private final CatalogReader catalog;

	private final TableInfo table;

	private final boolean beforeExpand;

	private final Identifier stateSchema;

	private final Set<String> unfinished;

	private final List<TriggerInfo> triggers;

	private final Set<Long> zdmViews;

	private final PlanScope scope;

	private final List<PlanProblem> problems;

	private final List<PlanProblem> warnings;

	/**
	 * A check of operation {@code index} of {@code plan}, made by the plan validator.
	 * @param stateSchema zdm's state schema, which holds zdm's trigger functions
	 * @param unfinished the ids of the other migrations that have started and not ended
	 * @param triggers the table's triggers
	 * @param zdmViews the rules of zdm's version schema views on the table
	 * @param scope what the plan's operations claimed so far
	 */
	public OperationCheck(Plan plan, int index, Connection connection, CatalogReader catalog, TableInfo table,
			boolean beforeExpand, Identifier stateSchema, Set<String> unfinished, List<TriggerInfo> triggers,
			Set<Long> zdmViews, PlanScope scope, List<PlanProblem> problems, List<PlanProblem> warnings) {
		this.plan = plan;
		this.index = index;
		this.kind = plan.operations().get(index - 1).kind();
		this.connection = connection;
		this.catalog = catalog;
		this.table = table;
		this.beforeExpand = beforeExpand;
		this.stateSchema = stateSchema;
		this.unfinished = Set.copyOf(unfinished);
		this.triggers = List.copyOf(triggers);
		this.zdmViews = Set.copyOf(zdmViews);
		this.scope = scope;
		this.problems = problems;
		this.warnings = warnings;
	}

	/**
	 * What the operations of one plan claimed so far: the columns they change and the indexes they rebuild,
	 * which two operations of a plan must not share.
	 */
	public static final class PlanScope {

		private final Set<String> columns = new HashSet<>();

		private final Map<Long, Integer> indexes = new HashMap<>();

		private final TransformRegistry transforms;

		/** A plan's scope, whose operations may name no Java transform. */
		public PlanScope() {
			this(TransformRegistry.NONE);
		}

		/** A plan's scope, whose operations may name the Java transforms of {@code transforms}. */
		public PlanScope(TransformRegistry transforms) {
			this.transforms = transforms;
		}

	}

	/** The Java transforms the plan's operations may name. */
	public TransformRegistry transforms() {
		return this.scope.transforms;
	}

	public Plan plan() {
		return this.plan;
	}

	/** The operation's 1-based index in its plan. */
	public int index() {
		return this.index;
	}

	/** A connection in the validation's transaction. */
	public Connection connection() {
		return this.connection;
	}

	public CatalogReader catalog() {
		return this.catalog;
	}

	/**
	 * The operation's table, as the catalog has it; {@code null} when it does not exist and the operation's type
	 * does not need it ({@link OperationType#needsExistingTable}).
	 */
	public TableInfo table() {
		return this.table;
	}

	/** Whether the migration has not expanded yet (then the names it adds must be free). */
	public boolean beforeExpand() {
		return this.beforeExpand;
	}

	/** zdm's state schema, which zdm does not migrate. */
	public Identifier stateSchema() {
		return this.stateSchema;
	}

	/** The table's triggers. */
	public List<TriggerInfo> triggers() {
		return this.triggers;
	}

	/** Reports a problem that refuses the plan. */
	public void fail(String message) {
		this.problems.add(new PlanProblem(this.plan.source(), 0, 0, this.index, this.kind, message));
	}

	/** Reports a problem that refuses the plan, at a line of the plan file ({@code 0} when unknown). */
	public void fail(int line, String message) {
		this.problems.add(new PlanProblem(this.plan.source(), line, 0, this.index, this.kind, message));
	}

	/** Reports what the plan's author should know, without refusing the plan. */
	public void warn(String message) {
		this.warnings.add(new PlanProblem(this.plan.source(), 0, 0, this.index, this.kind, message));
	}

	/** Claims a column of the table for this operation; false if an earlier operation of the plan claimed it. */
	public boolean claimColumn(String column) {
		return this.scope.columns.add(this.table.oid() + "." + column);
	}

	/** Claims an index for this operation; the index of the earlier operation that claimed it, or {@code null}. */
	public Integer claimIndex(long oid) {
		return this.scope.indexes.putIfAbsent(oid, this.index);
	}

	/**
	 * Whether every name zdm derives for its objects fits PostgreSQL's 63-byte limit; reports the first that
	 * does not (they derive from the migration id).
	 */
	public boolean namesFit(List<String> names) {
		for (String name : names) {
			if (Identifier.problem(name) != null) {
				fail("the name \"" + name + "\" that zdm derives from the migration id for its objects is longer "
						+ "than PostgreSQL's " + Identifier.MAX_BYTES + "-byte limit: shorten the migration id.");
				return false;
			}
		}
		return true;
	}

	/** zdm's own triggers: their functions live in zdm's schema, under the trigger's name. */
	public boolean isZdmTrigger(TriggerInfo trigger) {
		return isZdmTrigger(trigger, this.stateSchema);
	}

	/** zdm's own triggers: their functions live in zdm's schema, under the trigger's name. */
	public static boolean isZdmTrigger(TriggerInfo trigger, Identifier stateSchema) {
		return trigger.functionSchema().equals(stateSchema.name()) && trigger.name().startsWith("zdm_");
	}

	/**
	 * Whether a dependent of a column is zdm's: a sync trigger of this migration (after expand) or of another
	 * unfinished one (reported as holding the table), or a view of their version schemas.
	 */
	public boolean isZdmDependent(ColumnDependent dependent) {
		if ("pg_rewrite".equals(dependent.kind())) {
			return this.zdmViews.contains(dependent.oid());
		}
		if (!"pg_trigger".equals(dependent.kind())) {
			return false;
		}
		for (TriggerInfo trigger : this.triggers) {
			if (dependent.description().startsWith("trigger " + trigger.name() + " on ") && isZdmTrigger(trigger)
					&& (ObjectNames.isSyncTriggerOf(trigger.name(), this.plan.id())
							|| this.unfinished.stream().anyMatch((other) -> ObjectNames.isSyncTriggerOf(trigger.name(), other)))) {
				return true;
			}
		}
		return false;
	}

	/** Whether PostgreSQL can plan {@code sql}; if not, reports {@code what} and its error. */
	public boolean explain(String sql, String what) throws SQLException {
		return sql("EXPLAIN " + sql, what, "");
	}

	/**
	 * Runs {@code sql} in a savepoint, undone after (what it created would clash with the next operation's);
	 * if PostgreSQL refuses it, reports {@code what}, its error and {@code fix}.
	 */
	public boolean sql(String sql, String what, String fix) throws SQLException {
		Savepoint savepoint = this.connection.setSavepoint();
		try (Statement statement = this.connection.createStatement()) {
			statement.execute(sql);
			this.connection.rollback(savepoint);
			return true;
		}
		catch (SQLException ex) {
			this.connection.rollback(savepoint);
			fail(what + ": " + firstLine(ex.getMessage()) + fix);
			return false;
		}
	}

	/** A name for a temporary object of the validation (in pg_temp, gone with the rollback). */
	public static QualifiedName scratch(String what) {
		return new QualifiedName(Identifier.of("pg_temp"), Identifier.of("_zdm_check_" + what));
	}

	/**
	 * Checks an expression by creating a temporary view of {@code select} (which holds it), then planning the
	 * view: PostgreSQL resolves names, types and clauses as zdm will, and folds what it can. The view's query
	 * tree then names every function the expression calls, to refuse volatile ones. Returns whether it passed.
	 */
	public boolean checkExpression(String what, String select, String failure) throws SQLException {
		QualifiedName view = scratch("expression");
		Savepoint savepoint = this.connection.setSavepoint();
		List<ExpressionFunction> functions;
		try (Statement statement = this.connection.createStatement()) {
			statement.execute("CREATE TEMPORARY VIEW " + view.quoted() + " AS " + select);
			statement.execute("EXPLAIN SELECT * FROM " + view.quoted());
			functions = this.catalog.functionsCalledBy(view);
		}
		catch (SQLException ex) {
			this.connection.rollback(savepoint);
			fail(expressionError(what, this.table, failure, ex));
			return false;
		}
		this.connection.rollback(savepoint);
		List<String> volatileFunctions = functions.stream()
			.filter(ExpressionFunction::isVolatile)
			.map(ExpressionFunction::signature)
			.toList();
		if (!volatileFunctions.isEmpty()) {
			fail(what + " calls the volatile function" + ((volatileFunctions.size() > 1) ? "s " : " ")
					+ String.join(", ", volatileFunctions) + ", which may give another value each time: zdm computes "
					+ what + " again to verify the backfill and on every write, so the copies would never agree. Use a "
					+ "deterministic expression: immutable or stable functions only (declare a function of your own "
					+ "IMMUTABLE or STABLE when it is).");
			return false;
		}
		return true;
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
	 * The table's own triggers: those that read the column would break once it is gone and are bypassed by
	 * writes through the new column meanwhile; and none may fire for the backfill's update of every row, which
	 * runs with {@code session_replication_role = replica} so that ordinary triggers do not.
	 */
	public void checkUserTriggers(ColumnInfo old, Identifier newName, Identifier finalName) throws SQLException {
		TableInfo table = this.table;
		List<TriggerInfo> user = this.triggers.stream().filter((trigger) -> !isZdmTrigger(trigger)).toList();
		if (user.isEmpty()) {
			return;
		}
		List<TriggerInfo> reading = user.stream().filter((trigger) -> reads(trigger, old.name())).toList();
		if (!reading.isEmpty()) {
			String them = (reading.size() > 1) ? "them" : "it";
			fail("column \"" + old.name() + "\" is read by " + describe(reading) + ": once the column is "
					+ (old.name().equals(finalName.name()) ? "replaced" : "gone") + ", every write would fail in " + them
					+ ", and meanwhile writes through \"" + newName + "\" bypass " + them + ". Drop " + them + " before "
					+ "this migration and recreate " + them + ", adapted to \"" + finalName + "\", after it.");
		}
		checkTriggersOnBackfill(newName);
	}

	/**
	 * The table's own triggers must not fire for a backfill's update of every row that writes {@code written}
	 * alone: it runs with {@code session_replication_role = replica} so that ordinary triggers do not; those
	 * enabled {@code ALWAYS} (or {@code REPLICA}) would, and so would every ordinary one if zdm's role may
	 * not set that parameter.
	 */
	public void checkTriggersOnBackfill(Identifier written) throws SQLException {
		TableInfo table = this.table;
		List<TriggerInfo> user = this.triggers.stream().filter((trigger) -> !isZdmTrigger(trigger)).toList();
		if (user.isEmpty()) {
			return;
		}
		boolean replica = this.catalog.canSetSessionReplicationRole();
		// UPDATE OF triggers fire only for the columns they list: the backfill writes the new column alone.
		List<TriggerInfo> onBackfill = user.stream()
			.filter((trigger) -> trigger.onUpdate()
					&& (trigger.updateColumns().isEmpty() || trigger.updateColumns().contains(written.name())))
			.toList();
		List<TriggerInfo> always = onBackfill.stream()
			.filter((trigger) -> trigger.enabled() == 'A' || (replica && trigger.enabled() == 'R'))
			.toList();
		if (!always.isEmpty()) {
			fail("the backfill updates every row of " + table.qualifiedName() + " with session_replication_role = "
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
			String role = Identifier.quote(this.catalog.currentRole());
			fail("the backfill updates every row of " + table.qualifiedName() + ", which would fire "
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
	public void checkNotConstrainedDomain(String type, ColumnInfo renamed) throws SQLException {
		List<DomainInfo> domains = this.catalog.domains(type);
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
			fail("'type' " + type + problem + "Use its base type " + base + " as 'type' (with 'default' for a "
					+ "default), and add the check after the migration as a constraint: ADD CONSTRAINT ... CHECK (...) "
					+ "NOT VALID, then VALIDATE CONSTRAINT.");
		}
		else {
			fail("the type of column \"" + renamed.name() + "\", " + type + "," + problem + "Change the column "
					+ "to the base type " + base + " first (changeColumnType), with the domain's check as a table "
					+ "constraint (ADD CONSTRAINT ... CHECK (...) NOT VALID, then VALIDATE CONSTRAINT), then rename it.");
		}
	}

	/** The first line of a (PostgreSQL) message. */
	public static String firstLine(String message) {
		int newline = (message != null) ? message.indexOf('\n') : -1;
		return (newline >= 0) ? message.substring(0, newline) : message;
	}

}

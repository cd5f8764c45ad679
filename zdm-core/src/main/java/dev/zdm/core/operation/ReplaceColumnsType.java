package dev.zdm.core.operation;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import dev.zdm.core.backfill.BackfillTarget;
import dev.zdm.core.backfill.TransformTarget;
import dev.zdm.core.catalog.ColumnDependent;
import dev.zdm.core.catalog.ColumnInfo;
import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.catalog.TriggerInfo;
import dev.zdm.core.ddl.DdlStep;
import dev.zdm.core.plan.OperationArguments;
import dev.zdm.core.plan.ReplaceColumns;
import dev.zdm.core.plan.ReplaceColumns.NewColumn;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.core.sync.RowExpression;
import dev.zdm.core.sync.SyncTrigger;
import dev.zdm.core.sync.SyncTrigger.Authority;

/**
 * {@code replaceColumns {table, from, to: [{name, type, notNull?, default?}], transform | up/down}}: adds the
 * {@code to} columns in expand, computes them for existing rows in the backfill, makes them authoritative
 * (and {@code NOT NULL} through a {@link NotNullCheck}) at switch, and drops the {@code from} columns at
 * contract; the version schema shows the final shape.
 * <p>
 * With SQL {@code up} (one expression per new column, over the old row) and {@code down} (one per old
 * column, over the new row), a {@link SyncTrigger} over both groups of columns keeps them in step, as for
 * {@code changeColumnType}. With a Java {@code transform} there is no trigger: the application keeps both
 * shapes in step ({@link Sync.Application}), and contract first checks, in Java, that every row is.
 */
public final class ReplaceColumnsType implements OperationType<ReplaceColumns> {

	@Override
	public String kind() {
		return "replaceColumns";
	}

	@Override
	public Class<ReplaceColumns> operationClass() {
		return ReplaceColumns.class;
	}

	@Override
	public Set<String> keys() {
		return Set.of("table", "from", "to", "transform", "up", "down");
	}

	@Override
	public ReplaceColumns read(OperationArguments arguments) {
		QualifiedName table = arguments.table("table");
		List<Identifier> from = arguments.identifiers("from", true);
		List<OperationArguments> to = arguments.mappings("to", Set.of("name", "type", "notNull", "default"), true);
		List<NewColumn> columns = new ArrayList<>();
		if (to != null) {
			for (OperationArguments column : to) {
				Identifier name = column.identifier("name", true);
				String type = column.scalar("type", true);
				Boolean notNull = column.bool("notNull", false);
				String defaultExpression = column.scalar("default", false);
				NewColumn built = column.build(() -> new NewColumn(name, type, notNull, defaultExpression));
				if (built != null) {
					columns.add(built);
				}
			}
		}
		String transform = arguments.scalar("transform", false);
		List<String> up = expressions(arguments, "up");
		List<String> down = expressions(arguments, "down");
		return arguments.build(() -> new ReplaceColumns(table, from, columns, transform, up, down));
	}

	private static List<String> expressions(OperationArguments arguments, String key) {
		List<OperationArguments.Item> items = arguments.items(key, false);
		return (items != null) ? items.stream().map(OperationArguments.Item::value).toList() : null;
	}

	/** The name of the {@code NOT NULL} check of new column {@code index} (0-based). */
	static Identifier notNullName(String base, int index) {
		return Identifier.of(NotNullCheck.name(base).name() + (index + 1));
	}

	@Override
	public void validate(ReplaceColumns operation, OperationCheck check) throws SQLException {
		String base = ObjectNames.base(check.plan().id(), check.index());
		if (!check.namesFit(List.of(notNullName(base, operation.to().size() - 1).name()))) {
			return;
		}
		TableInfo table = check.table();
		if (table.primaryKey().isEmpty()) {
			check.fail("table " + table.qualifiedName() + " has no primary key; zdm backfills in batches over the "
					+ "primary key. Add one first.");
		}
		if (operation.javaTransform() && check.transforms().find(operation.transform()).isEmpty()) {
			Set<String> known = check.transforms().names();
			check.fail("'transform' names the Java transform '" + operation.transform() + "', which this application "
					+ "does not provide (" + (known.isEmpty() ? "it provides none" : "it provides " + String.join(", ", known))
					+ "). Register a RowTransform under that name in the TransformRegistry given to the Orchestrator "
					+ "(with the Spring Boot starter, a RowTransform bean of that name), or fix the name.");
		}
		Set<String> keyColumns = table.primaryKey().stream().map(ColumnInfo::name).collect(Collectors.toSet());
		List<ColumnInfo> old = new ArrayList<>();
		for (Identifier name : operation.from()) {
			Optional<ColumnInfo> column = table.column(name.name());
			if (column.isEmpty()) {
				check.fail("table " + table.qualifiedName() + " has no column \"" + name + "\" (in 'from'). Known columns: "
						+ table.columnNames() + ".");
				continue;
			}
			ColumnInfo found = column.get();
			old.add(found);
			if (!check.claimColumn(found.name())) {
				check.fail("column \"" + name + "\" of " + table.qualifiedName() + " is already changed by an earlier "
						+ "operation of this plan: combine them into one operation or split them into two migrations.");
			}
			if (keyColumns.contains(found.name())) {
				check.fail("column \"" + name + "\" is part of the primary key of " + table.qualifiedName()
						+ ", over which zdm backfills: zdm cannot replace it.");
			}
			if (found.identity() || found.generated()) {
				check.fail("column \"" + name + "\" is " + (found.identity() ? "an identity" : "a generated")
						+ " column, which zdm cannot replace yet.");
			}
			List<ColumnDependent> dependents = check.catalog().dependents(table, found).stream()
				.filter((dependent) -> !check.isZdmDependent(dependent))
				.toList();
			if (!dependents.isEmpty()) {
				check.fail("column \"" + name + "\" is used by " + dependents.stream()
					.map(ColumnDependent::description)
					.collect(Collectors.joining(", "))
						+ ", which contract would drop with it: zdm never drops what it did not create. Drop them before "
						+ "this migration and recreate them on the new columns after it.");
			}
		}
		for (NewColumn column : operation.to()) {
			if (!check.claimColumn(column.name().name())) {
				check.fail("column \"" + column.name() + "\" of " + table.qualifiedName() + " is already changed by an "
						+ "earlier operation of this plan: combine them into one operation or split them into two migrations.");
			}
			if (check.beforeExpand() && table.column(column.name().name()).isPresent()) {
				check.fail("table " + table.qualifiedName() + " already has a column \"" + column.name() + "\" (in 'to'): "
						+ "choose another name.");
			}
			if (!check.explain("SELECT CAST(NULL AS " + column.type() + ")", "the type " + column.type() + " of \""
					+ column.name() + "\" is not a type PostgreSQL knows")) {
				continue;
			}
			check.checkNotConstrainedDomain(column.type(), null);
			if (column.defaultExpression() != null) {
				check.sql("CREATE TEMPORARY TABLE " + OperationCheck.scratch("default").quoted() + " (v " + column.type()
						+ " DEFAULT (" + column.defaultExpression() + "))", "'default' of \"" + column.name()
								+ "\" cannot be the default of a " + column.type() + " column",
						". A default is a constant, or an expression of constants and functions: give one that is.");
			}
		}
		if (old.size() != operation.from().size()) {
			return;
		}
		for (ColumnInfo column : old) {
			check.checkUserTriggers(column, operation.to().get(0).name(), operation.to().get(0).name());
		}
		if (!operation.javaTransform()) {
			validateExpressions(table, old, operation, check);
		}
	}

	private static void validateExpressions(TableInfo table, List<ColumnInfo> old, ReplaceColumns operation,
			OperationCheck check) throws SQLException {
		String row = "(SELECT * FROM " + table.qualifiedName().quoted() + ") AS _zdm_row";
		for (int i = 0; i < operation.to().size(); i++) {
			NewColumn column = operation.to().get(i);
			check.checkExpression("'up' of \"" + column.name() + "\"", "SELECT 1 AS _zdm FROM " + row + " WHERE CAST(("
					+ operation.up().get(i) + ") AS " + column.type() + ") IS NOT NULL", "'up' of \"" + column.name()
							+ "\" does not give a " + column.type() + " from the old row (columns: " + table.columnNames() + ")");
		}
		// The new columns, shown in an inner scope that shadows the row's (after expand they are the row's).
		String newRow = operation.to().stream()
			.map((column) -> "CAST(NULL AS " + column.type() + ") AS " + column.name().quoted())
			.collect(Collectors.joining(", "));
		for (int i = 0; i < old.size(); i++) {
			ColumnInfo column = old.get(i);
			check.checkExpression("'down' of \"" + column.name() + "\"", "SELECT 1 AS _zdm FROM " + row
					+ " WHERE EXISTS (SELECT 1 FROM (SELECT " + newRow + ") AS _zdm_new WHERE CAST((" + operation.down().get(i)
					+ ") AS " + column.type() + ") IS NOT NULL)", "'down' of \"" + column.name() + "\" does not give a "
							+ column.type() + " from the new row (new columns: " + operation.to().stream()
								.map((c) -> c.name().name())
								.collect(Collectors.joining(", "))
							+ ")");
		}
	}

	/** What the application must do while a Java transform's migration runs. */
	static String requirement(ReplaceColumns operation) {
		return "no trigger keeps " + operation.table() + " in step: until the migration completes, every writer must "
				+ "write both " + names(operation.from()) + " and " + names(operation.to().stream().map(NewColumn::name)
					.toList())
				+ " in the same statement (dual-write, the new values as transform '" + operation.transform()
				+ "' computes them; @DualWrite on the application's repositories does it in the write's transaction), "
				+ "or stop writing";
	}

	private static String names(List<Identifier> columns) {
		return columns.stream().map(Identifier::name).collect(Collectors.joining(", "));
	}

	@Override
	public void review(ReplaceColumns operation, OperationCheck check) throws SQLException {
		if (operation.javaTransform()) {
			check.warn(requirement(operation) + ". A write to one shape alone leaves its row out of step: the "
					+ "backfill's verification or contract then refuses to go on and names the row. The migration's "
					+ "status says so while it runs (MigrationStatus.applicationSync).");
			return;
		}
		reviewRoundTrip(operation, check);
	}

	/**
	 * Warns about SQL whose 'down' of 'up' does not give back the old values, over the first rows by primary
	 * key: after switch the old columns are written from 'down', so old code and a rollback would see the
	 * changed values. Never refuses the plan.
	 */
	private static void reviewRoundTrip(ReplaceColumns operation, OperationCheck check) throws SQLException {
		TableInfo table = check.table();
		List<ColumnInfo> key = table.primaryKey();
		List<ColumnInfo> old = new ArrayList<>();
		for (Identifier name : operation.from()) {
			Optional<ColumnInfo> column = table.column(name.name());
			if (column.isEmpty()) {
				return;
			}
			old.add(column.get());
		}
		if (key.isEmpty()) {
			return;
		}
		List<NewColumn> to = operation.to();
		String keys = key.stream().map((part) -> "_zdm_row." + Identifier.quote(part.name()) + "::text")
			.collect(Collectors.joining(" || ', ' || "));
		String order = key.stream().map((part) -> Identifier.quote(part.name())).collect(Collectors.joining(", "));
		String ups = IntStream.range(0, to.size())
			.mapToObj((i) -> "CAST((" + operation.up().get(i) + ") AS " + to.get(i).type() + ") AS _zdm_up" + i)
			.collect(Collectors.joining(", "));
		String newRow = IntStream.range(0, to.size())
			.mapToObj((i) -> "_zdm_row._zdm_up" + i + " AS " + to.get(i).name().quoted())
			.collect(Collectors.joining(", "));
		String backs = IntStream.range(0, old.size())
			.mapToObj((i) -> "(SELECT CAST((" + operation.down().get(i) + ") AS " + old.get(i).type() + ") FROM (SELECT "
					+ newRow + ") AS _zdm_new) AS _zdm_back" + i)
			.collect(Collectors.joining(", "));
		String lost = IntStream.range(0, old.size())
			.mapToObj((i) -> "_zdm_row._zdm_back" + i + " IS DISTINCT FROM _zdm_row." + Identifier.quote(old.get(i).name()))
			.collect(Collectors.joining(" OR "));
		String before = IntStream.range(0, old.size())
			.mapToObj((i) -> "coalesce(_zdm_row." + Identifier.quote(old.get(i).name()) + "::text, 'NULL')")
			.collect(Collectors.joining(" || ', ' || "));
		String after = IntStream.range(0, old.size())
			.mapToObj((i) -> "coalesce(_zdm_row._zdm_back" + i + "::text, 'NULL')")
			.collect(Collectors.joining(" || ', ' || "));
		String sql = "WITH _zdm_sample AS MATERIALIZED (SELECT " + keys + " AS _zdm_key, " + before + " AS _zdm_old, "
				+ after + " AS _zdm_after, (" + lost + ") AS _zdm_lost FROM (SELECT _zdm_row.*, " + backs + " FROM (SELECT "
				+ "_zdm_row.*, " + ups + " FROM (SELECT * FROM " + table.qualifiedName().quoted() + " ORDER BY " + order
				+ " LIMIT " + ChangeColumnTypeType.ROUND_TRIP_SAMPLE + ") AS _zdm_row) AS _zdm_row) AS _zdm_row) "
				+ "SELECT c.total, c.lost, e._zdm_key, e._zdm_old, e._zdm_after FROM (SELECT count(*) AS total, "
				+ "count(*) FILTER (WHERE _zdm_lost) AS lost FROM _zdm_sample) AS c LEFT JOIN LATERAL (SELECT * FROM "
				+ "_zdm_sample WHERE _zdm_lost LIMIT 1) AS e ON true";
		Savepoint savepoint = check.connection().setSavepoint();
		try (Statement statement = check.connection().createStatement(); ResultSet rs = statement.executeQuery(sql)) {
			rs.next();
			long lostRows = rs.getLong(2);
			if (lostRows > 0) {
				check.warn("'up' then 'down' does not give back the old values of " + names(operation.from()) + " for "
						+ lostRows + " of the first " + rs.getLong(1) + " rows (by primary key); for example, at key ("
						+ rs.getString(3) + "), (" + rs.getString(4) + ") comes back as (" + rs.getString(5) + "). After "
						+ "switch the old columns are written from 'down' on every write to a row, so old code and a "
						+ "rollback would see that. Go ahead if that is meant; otherwise make 'down' the inverse of 'up'.");
			}
			check.connection().releaseSavepoint(savepoint);
		}
		catch (SQLException ex) {
			check.connection().rollback(savepoint);
			check.warn("'up' or 'down' could not be evaluated over some of the first "
					+ ChangeColumnTypeType.ROUND_TRIP_SAMPLE + " rows (by primary key): "
					+ OperationCheck.firstLine(ex.getMessage()) + ". The backfill (or, after switch, writes) may fail "
					+ "the same way on such rows: check the expressions and the data.");
		}
	}

	/**
	 * The memo of expand: the defaults of the old columns, which expand moves into the sync trigger (SQL only).
	 *
	 * @param defaults per old column, its default before expand, or {@code null}
	 */
	record DefaultsMemo(List<String> defaults) implements Memo {

		@Override
		public String encode() {
			StringBuilder encoded = new StringBuilder("defaults");
			for (String value : this.defaults) {
				encoded.append((value != null) ? ";" + value.length() + ":" + value : ";-");
			}
			return encoded.toString();
		}

		static DefaultsMemo decode(String stored) {
			List<String> defaults = new ArrayList<>();
			int at = "defaults".length();
			while (at < stored.length()) {
				at++;
				if (stored.charAt(at) == '-') {
					defaults.add(null);
					at++;
				}
				else {
					int colon = stored.indexOf(':', at);
					int length = Integer.parseInt(stored.substring(at, colon));
					defaults.add(stored.substring(colon + 1, colon + 1 + length));
					at = colon + 1 + length;
				}
			}
			return new DefaultsMemo(Collections.unmodifiableList(defaults));
		}

	}

	@Override
	public Resolved resolve(ReplaceColumns operation, ResolveContext context) throws SQLException {
		TableInfo table = context.table(operation.table());
		QualifiedName qualified = table.qualifiedName();
		List<ColumnInfo> old = new ArrayList<>();
		for (Identifier name : operation.from()) {
			old.add(table.column(name.name())
				.orElseThrow(() -> new IllegalStateException("Table " + qualified + " has no column " + name)));
		}
		List<NewColumn> to = operation.to();
		String base = context.objectName();
		String on = context.description();
		String alter = "ALTER TABLE " + qualified.quoted() + " ";
		boolean java = operation.javaTransform();
		// Expand moves the old columns' defaults into the trigger (SQL only); the memo remembers them.
		List<String> oldDefaults = context.memo().map(DefaultsMemo::decode).map(DefaultsMemo::defaults)
			.orElseGet(() -> old.stream().map((column) -> java ? null : column.defaultExpression()).toList());
		DefaultsMemo memo = new DefaultsMemo(Collections.unmodifiableList(new ArrayList<>(oldDefaults)));
		List<NotNullCheck> notNull = IntStream.range(0, to.size())
			.filter((i) -> to.get(i).notNull())
			.mapToObj((i) -> new NotNullCheck(qualified, to.get(i).name(), notNullName(base, i)))
			.toList();
		List<Identifier> toNames = to.stream().map(NewColumn::name).toList();
		String nullViolation = notNull.isEmpty() ? null
				: notNull.stream().map((check) -> check.column().quoted() + " IS NULL").collect(Collectors.joining(" OR "));

		List<String> expand = new ArrayList<>();
		// No default yet: existing rows stay NULL until backfilled, without a table rewrite.
		for (NewColumn column : to) {
			expand.add(alter + "ADD COLUMN IF NOT EXISTS " + column.name().quoted() + " " + column.type());
		}
		List<String> switchOver = new ArrayList<>();
		List<String> contract = new ArrayList<>();
		List<String> rollback = new ArrayList<>();
		Optional<Backfill> backfill;
		Sync sync;
		SyncTrigger trigger = null;
		if (java) {
			List<BackfillTarget.Assignment> assignments = toNames.stream()
				.map((name) -> new BackfillTarget.Assignment(name, name.quoted(), "false"))
				.toList();
			BackfillTarget target = new BackfillTarget(qualified, table.primaryKey(), assignments, "false", List.of(),
					nullViolation);
			backfill = Optional.of(new Backfill.Transform(new TransformTarget(target, old,
					to.stream().map((column) -> new TransformTarget.Written(column.name(), column.type())).toList(),
					operation.transform())));
			sync = new Sync.Application(requirement(operation));
		}
		else {
			// The row's columns when the triggers run, with their types: the table's and the new ones expand adds.
			Map<String, String> columnTypes = new LinkedHashMap<>();
			table.columns().forEach((column) -> columnTypes.put(column.name(), column.type()));
			to.forEach((column) -> columnTypes.putIfAbsent(column.name().name(), column.type()));
			trigger = new SyncTrigger(qualified, Identifier.of(base),
					new QualifiedName(context.functionSchema(), Identifier.of(base)), operation.from(), toNames,
					IntStream.range(0, to.size())
						.mapToObj((i) -> RowExpression.overRow(operation.up().get(i), to.get(i).type(), table.name(),
								columnTypes))
						.toList(),
					IntStream.range(0, old.size())
						.mapToObj((i) -> RowExpression.overRow(operation.down().get(i), old.get(i).type(), table.name(),
								columnTypes))
						.toList(),
					oldDefaults, SyncTrigger.updateColumns(table.name(),
							table.columns().stream().map(ColumnInfo::name).toList(),
							table.primaryKey().stream().map(ColumnInfo::name).toList(),
							Stream.concat(operation.up().stream(), operation.down().stream()).toList()));
			for (int i = 0; i < old.size(); i++) {
				if (oldDefaults.get(i) != null) {
					expand.add(alter + "ALTER COLUMN " + Identifier.quote(old.get(i).name()) + " DROP DEFAULT");
				}
			}
			expand.addAll(trigger.createFunctions(Authority.OLD));
			expand.addAll(trigger.createTriggers());
			List<String> ups = IntStream.range(0, to.size())
				.mapToObj((i) -> "CAST((" + operation.up().get(i) + ") AS " + to.get(i).type() + ")")
				.toList();
			List<BackfillTarget.Assignment> assignments = IntStream.range(0, to.size())
				.mapToObj((i) -> new BackfillTarget.Assignment(toNames.get(i), ups.get(i),
						toNames.get(i).quoted() + " IS DISTINCT FROM " + ups.get(i)))
				.toList();
			String newDiffers = assignments.stream().map(BackfillTarget.Assignment::mismatch)
				.collect(Collectors.joining(" OR "));
			String oldDiffers = IntStream.range(0, old.size())
				.mapToObj((i) -> Identifier.quote(old.get(i).name()) + " IS DISTINCT FROM CAST((" + operation.down().get(i)
						+ ") AS " + old.get(i).type() + ")")
				.collect(Collectors.joining(" OR "));
			backfill = Optional.of(new Backfill.SqlAssignment(new BackfillTarget(qualified, table.primaryKey(), assignments,
					newDiffers, List.of(trigger.triggerName()), nullViolation)));
			sync = new Sync.Trigger(trigger, "(" + newDiffers + ") AND (" + oldDiffers + ")");
			switchOver.addAll(trigger.switchOver(TriggerInfo.argumentsByName(context.catalog().triggers(table))));
			contract.addAll(trigger.dropTriggers());
			rollback.addAll(trigger.dropTriggers());
			rollback.addAll(trigger.dropFunctions());
		}
		for (NotNullCheck check : notNull) {
			switchOver.addAll(check.add());
			contract.addAll(check.setNotNull());
			rollback.add(check.drop());
		}
		for (ColumnInfo column : old) {
			contract.add(alter + "DROP COLUMN IF EXISTS " + Identifier.quote(column.name()));
		}
		for (NewColumn column : to) {
			if (column.defaultExpression() != null) {
				contract.add(alter + "ALTER COLUMN " + column.name().quoted() + " SET DEFAULT " + column.defaultExpression());
			}
			rollback.add(alter + "DROP COLUMN IF EXISTS " + column.name().quoted());
		}
		if (trigger != null) {
			contract.addAll(trigger.dropFunctions());
			for (int i = 0; i < old.size(); i++) {
				if (oldDefaults.get(i) != null) {
					rollback.add(alter + "ALTER COLUMN " + Identifier.quote(old.get(i).name()) + " SET DEFAULT "
							+ oldDefaults.get(i));
				}
			}
		}
		List<DdlStep> beforeContract = notNull.stream().map((check) -> (DdlStep) check.validate(on)).toList();
		Set<String> hidden = new LinkedHashSet<>(operation.from().stream().map(Identifier::name).toList());
		return new Resolved(new DdlStep.InTransaction("expand " + on, expand), memo, backfill, List.of(),
				new DdlStep.InTransaction("switch " + on, switchOver), beforeContract,
				new DdlStep.InTransaction("contract " + on, contract),
				new DdlStep.InTransaction("rollback " + on, rollback), new VersionView(qualified, hidden, Map.of()), sync);
	}

}

package dev.zdm.core.operation;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.zdm.core.backfill.BackfillTarget;
import dev.zdm.core.catalog.ColumnInfo;
import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.ddl.DdlStep;
import dev.zdm.core.plan.OperationArguments;
import dev.zdm.core.plan.SetNotNull;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.lint.sql.SqlTokenizer;

/**
 * {@code setNotNull {table, column, fill?}}: a {@link NotNullCheck} on the column. Expand adds
 * {@code CHECK (column IS NOT NULL) NOT VALID} (metadata only, under the lock timeout; from then on no write
 * can leave the column {@code NULL}), and with {@code fill} a trigger that fills a row an update leaves
 * {@code NULL} (so that an update of other columns of a row the backfill has not reached yet is not
 * refused; an insert of {@code NULL} still is); the backfill sets {@code fill} into the rows whose column is
 * {@code NULL}, when given; before contract the rows still {@code NULL} are counted (the migration stops with
 * their count and a few of their keys when there are any), then the check is validated under
 * {@code SHARE UPDATE EXCLUSIVE}; contract runs {@code SET NOT NULL}, which the validated check spares a
 * scan, and drops the check (and the trigger). Rollback drops the check and the trigger; values written by the backfill stay (they are
 * writes, and the column accepted them before).
 */
public final class SetNotNullType implements OperationType<SetNotNull> {

	/** The memo of expand: the check is zdm's from then on (a rollback drops it). */
	static final Memo ADDED = () -> "check";

	/** Rows read by {@link #review} to warn about {@code NULL}s when there is no {@code fill}. */
	static final int NULL_SAMPLE = 10_000;

	@Override
	public String kind() {
		return "setNotNull";
	}

	@Override
	public Class<SetNotNull> operationClass() {
		return SetNotNull.class;
	}

	@Override
	public Set<String> keys() {
		return Set.of("table", "column", "fill");
	}

	@Override
	public SetNotNull read(OperationArguments arguments) {
		QualifiedName table = arguments.table("table");
		Identifier column = arguments.identifier("column", true);
		String fill = arguments.scalar("fill", false);
		return arguments.build(() -> new SetNotNull(table, column, fill));
	}

	@Override
	public void validate(SetNotNull operation, OperationCheck check) throws SQLException {
		String base = ObjectNames.base(check.plan().id(), check.index());
		if (!check.namesFit(List.of(base, NotNullCheck.name(base).name()))) {
			return;
		}
		TableInfo table = check.table();
		// Claimed first: a column that an earlier operation adds does not exist yet.
		if (!check.claimColumn(operation.column().name())) {
			check.fail("column \"" + operation.column() + "\" of " + table.qualifiedName() + " is already changed by an "
					+ "earlier operation of this plan: combine them into one operation (addColumn has 'notNull') or split "
					+ "them into two migrations.");
			return;
		}
		Optional<ColumnInfo> found = table.column(operation.column().name());
		if (found.isEmpty()) {
			check.fail("table " + table.qualifiedName() + " has no column \"" + operation.column() + "\". Known columns: "
					+ table.columnNames() + ".");
			return;
		}
		ColumnInfo column = found.get();
		if (check.beforeExpand() && column.notNull()) {
			check.fail("column \"" + column.name() + "\" of " + table.qualifiedName() + " is already NOT NULL: nothing to "
					+ "do. Remove this operation.");
			return;
		}
		if (operation.fill() == null) {
			return;
		}
		if (table.primaryKey().isEmpty()) {
			check.fail("table " + table.qualifiedName() + " has no primary key; zdm writes 'fill' in batches over the "
					+ "primary key. Add one first, or fill the NULLs yourself and leave out 'fill'.");
			return;
		}
		check.checkTriggersOnBackfill(operation.column());
		// As the backfill evaluates it: over the row, in an UPDATE's SET, for rows whose column is NULL. A
		// volatile 'fill' (now(), gen_random_uuid()) is fine: only rows still NULL are written, and
		// verification counts NULLs, not values.
		// And over the row alone, as the trigger that fills a row updated before the backfill reached it.
		if (!check.sql("EXPLAIN SELECT CAST((" + operation.fill() + ") AS " + column.type() + ") FROM (SELECT * FROM "
				+ table.qualifiedName().quoted() + ") AS _zdm_row WHERE " + Identifier.quote(column.name()) + " IS NULL",
				"'fill' does not give a " + column.type() + " from the row of " + table.qualifiedName() + " (columns: "
						+ table.columnNames() + ")",
				". Give an SQL expression over the row's own columns (a constant, or an expression such as "
						+ "coalesce(other_column, 'x')), without aggregate or window functions.")) {
			return;
		}
		check.sql("EXPLAIN UPDATE " + table.qualifiedName().quoted() + " SET " + Identifier.quote(column.name()) + " = CAST(("
				+ operation.fill() + ") AS " + column.type() + ") WHERE " + Identifier.quote(column.name()) + " IS NULL",
				"'fill' cannot be assigned to column \"" + column.name() + "\" of " + table.qualifiedName(),
				". Give an SQL expression over the row's own columns, without aggregate, window or set-returning "
						+ "functions.");
	}

	/** Without {@code fill}, warns when the first rows already hold {@code NULL}: validation would stop there. */
	@Override
	public void review(SetNotNull operation, OperationCheck check) throws SQLException {
		Optional<ColumnInfo> found = check.table().column(operation.column().name());
		if (operation.fill() != null || found.isEmpty()) {
			return;
		}
		ColumnInfo column = found.get();
		Savepoint savepoint = check.connection().setSavepoint();
		try (Statement statement = check.connection().createStatement();
				ResultSet rs = statement.executeQuery("SELECT count(*) FILTER (WHERE _zdm_v IS NULL) FROM (SELECT "
						+ Identifier.quote(column.name()) + " AS _zdm_v FROM " + check.table().qualifiedName().quoted()
						+ " LIMIT " + NULL_SAMPLE + ") AS _zdm_sample")) {
			rs.next();
			long nulls = rs.getLong(1);
			if (nulls > 0) {
				check.warn(nulls + " of the first " + NULL_SAMPLE + " rows of " + check.table().qualifiedName()
						+ " hold NULL in \"" + column.name() + "\", and the plan gives no 'fill': from expand on, every "
						+ "write that leaves such a row NULL fails (an UPDATE of other columns too), and the validation "
						+ "before contract stops until they are filled. Give 'fill', or fill them before starting.");
			}
			check.connection().releaseSavepoint(savepoint);
		}
		catch (SQLException ex) {
			check.connection().rollback(savepoint);
		}
	}

	@Override
	public Resolved resolve(SetNotNull operation, ResolveContext context) throws SQLException {
		TableInfo table = context.table(operation.table());
		QualifiedName qualified = table.qualifiedName();
		String on = context.description();
		ColumnInfo column = table.column(operation.column().name())
			.orElseThrow(() -> new IllegalStateException("Table " + qualified + " has no column " + operation.column()
					+ " (" + on + ")"));
		Identifier name = Identifier.of(column.name());
		String base = context.objectName();
		NotNullCheck notNull = NotNullCheck.of(qualified, name, base);
		Identifier triggerName = Identifier.of(base);
		QualifiedName function = new QualifiedName(context.functionSchema(), triggerName);
		Optional<Boolean> validated = context.catalog().constraintValidated(table, notNull.constraint().name());
		boolean done = column.notNull() && validated.isEmpty();
		// Added once: the expand transaction commits with its record, and a run after it finds the check.
		List<String> expand = new ArrayList<>();
		if (!done && validated.isEmpty()) {
			if (operation.fill() != null) {
				expand.add(createFunction(function, name, column.type(), operation.fill()));
				expand.add("CREATE OR REPLACE TRIGGER " + triggerName.quoted() + " BEFORE UPDATE ON " + qualified.quoted()
						+ " FOR EACH ROW WHEN (OLD." + name.quoted() + " IS NULL AND NEW." + name.quoted()
						+ " IS NULL) EXECUTE FUNCTION " + function.quoted() + "()");
				expand.add("ALTER TABLE " + qualified.quoted() + " ENABLE ALWAYS TRIGGER " + triggerName.quoted());
			}
			expand.addAll(notNull.add());
		}
		Optional<Backfill> backfill = Optional.empty();
		if (operation.fill() != null) {
			String fill = "CAST((" + operation.fill() + ") AS " + column.type() + ")";
			// Rows for which 'fill' gives NULL are left to the validation's report, which names them.
			backfill = Optional.of(new Backfill.SqlAssignment(new BackfillTarget(qualified, table.primaryKey(), name,
					fill, name.quoted() + " IS NULL AND " + fill + " IS NOT NULL", null, null)));
		}
		List<DdlStep> beforeContract = (done || validated.orElse(false)) ? List.of()
				: List.of(new DdlStep.Validating("count rows of " + qualified + " with " + name + " NULL for " + on,
						ViolatingRows.report(table, name.quoted() + " IS NULL", "hold NULL in column " + name.quoted()
								+ ", which " + on + " makes NOT NULL",
								"Set a value in those rows (or give 'fill' in a new plan), then advance again; or roll the "
										+ "migration back. Meanwhile the check " + notNull.constraint()
										+ " stays NOT VALID, and new writes must set the column")),
						notNull.validate(on));
		List<String> contract = new ArrayList<>();
		if (operation.fill() != null) {
			contract.addAll(dropTrigger(qualified, triggerName, function));
		}
		if (!done) {
			contract.addAll(notNull.setNotNull());
		}
		// Only once expand recorded the check as zdm's may a rollback drop it.
		List<String> rollback = new ArrayList<>();
		if (context.memo().isPresent()) {
			if (operation.fill() != null) {
				rollback.addAll(dropTrigger(qualified, triggerName, function));
			}
			rollback.add(notNull.drop());
		}
		return new Resolved(new DdlStep.InTransaction("expand " + on, expand), ADDED, backfill, List.of(),
				DdlStep.InTransaction.none("switch " + on), beforeContract,
				new DdlStep.InTransaction("contract " + on, contract),
				new DdlStep.InTransaction("rollback " + on, rollback), VersionView.unchanged(qualified), Sync.NONE);
	}

	/**
	 * The function of the trigger that fills, with {@code fill}, a row that an update leaves {@code NULL}
	 * while it was {@code NULL} before (a row the backfill has not reached yet): the check would refuse that
	 * update, which only wrote other columns. An insert of {@code NULL} is still refused.
	 */
	private static String createFunction(QualifiedName function, Identifier column, String type, String fill) {
		String body = "BEGIN\n"
				+ "  NEW." + column.quoted() + " := (SELECT CAST((" + fill + ") AS " + type + ") FROM (SELECT NEW.*) AS _zdm_row);\n"
				+ "  RETURN NEW;\n"
				+ "END\n";
		String tag = SqlTokenizer.freeDollarTag(body, "zdm_fill");
		return "CREATE OR REPLACE FUNCTION " + function.quoted() + "() RETURNS trigger LANGUAGE plpgsql AS " + tag + "\n"
				+ body + tag;
	}

	private static List<String> dropTrigger(QualifiedName table, Identifier trigger, QualifiedName function) {
		return List.of("DROP TRIGGER IF EXISTS " + trigger.quoted() + " ON " + table.quoted(),
				"DROP FUNCTION IF EXISTS " + function.quoted() + "()");
	}

}

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
import dev.zdm.core.catalog.CatalogReader;
import dev.zdm.core.catalog.ColumnInfo;
import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.ddl.DdlStep;
import dev.zdm.core.plan.AddColumn;
import dev.zdm.core.plan.OperationArguments;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.core.sync.SyncTrigger;
import dev.zdm.lint.sql.SqlTokenizer;

/**
 * {@code addColumn {table, column, type, default?, notNull?, up?}}. Expand adds the column, metadata only:
 * <ul>
 * <li>without a default, or with one that calls no volatile function, in one {@code ADD COLUMN} (PostgreSQL
 * 11+ stores a non-volatile default once, for every existing row: no rewrite). PostgreSQL decides, in the
 * expand transaction: the default is tried on a temporary table first, and its stored expression tree read
 * for volatile functions;</li>
 * <li>with a volatile default ({@code gen_random_uuid()}, {@code clock_timestamp()}), which
 * {@code ADD COLUMN} would evaluate for every row in a rewrite under {@code ACCESS EXCLUSIVE}: the column is
 * added without it, the default is set for new rows, and the backfill writes it into existing rows;</li>
 * <li>with {@code up}: the column is added without a default, a trigger computes {@code up} over the row for
 * each insert that leaves the column {@code NULL} and each update that changes what {@code up} gives, and the
 * backfill writes it into existing rows. Contract drops the trigger.</li>
 * </ul>
 * {@code notNull} is a {@link NotNullCheck}: the check is added at switch (when every row has its value),
 * validated before contract, and contract sets {@code NOT NULL} without a scan. Rollback drops what expand
 * added, only once its memo recorded that the column is zdm's.
 */
public final class AddColumnType implements OperationType<AddColumn> {

	/** The memo of expand: the column is zdm's from then on (a rollback drops it). */
	static final Memo ADDED = () -> "column";

	@Override
	public String kind() {
		return "addColumn";
	}

	@Override
	public Class<AddColumn> operationClass() {
		return AddColumn.class;
	}

	@Override
	public Set<String> keys() {
		return Set.of("table", "column", "type", "default", "notNull", "up");
	}

	@Override
	public AddColumn read(OperationArguments arguments) {
		QualifiedName table = arguments.table("table");
		Identifier column = arguments.identifier("column", true);
		String type = arguments.scalar("type", true);
		String defaultExpression = arguments.scalar("default", false);
		Boolean notNull = arguments.bool("notNull", false);
		String up = arguments.scalar("up", false);
		return arguments.build(() -> new AddColumn(table, column, type, defaultExpression, notNull, up));
	}

	@Override
	public void validate(AddColumn operation, OperationCheck check) throws SQLException {
		String base = ObjectNames.base(check.plan().id(), check.index());
		if (!check.namesFit(List.of(base, NotNullCheck.name(base).name()))) {
			return;
		}
		TableInfo table = check.table();
		String name = operation.column().name();
		if (!check.claimColumn(name)) {
			check.fail("column \"" + name + "\" of " + table.qualifiedName() + " is already changed by an earlier operation "
					+ "of this plan: combine them into one operation or split them into two migrations.");
		}
		if (check.beforeExpand() && table.column(name).isPresent()) {
			check.fail("table " + table.qualifiedName() + " already has a column \"" + name + "\": choose another name, "
					+ "or drop that column first (dropColumn).");
			return;
		}
		if (!check.explain("SELECT CAST(NULL AS " + operation.type() + ")", "'type' " + operation.type()
				+ " is not a type PostgreSQL knows")) {
			return;
		}
		check.checkNotConstrainedDomain(operation.type(), null);
		boolean backfilled = operation.up() != null;
		if (operation.defaultExpression() != null) {
			Boolean volatileDefault = volatileDefault(operation, check);
			if (volatileDefault == null) {
				return;
			}
			backfilled = volatileDefault;
		}
		if (operation.up() != null) {
			check.checkExpression("'up'", "SELECT 1 AS _zdm FROM (SELECT * FROM " + table.qualifiedName().quoted()
					+ ") AS _zdm_row WHERE CAST((" + operation.up() + ") AS " + operation.type() + ") IS NOT NULL",
					"'up' does not give a " + operation.type() + " from the row (columns: " + table.columnNames() + ")");
		}
		if (operation.notNull() && operation.defaultExpression() == null && operation.up() == null) {
			check.fail("'notNull' without 'default' or 'up': the table's existing rows would have no value, and old "
					+ "code, which does not know the column, could not insert rows any more. Give a 'default' (or 'up', "
					+ "computed from the row); or add the column nullable, and make it NOT NULL (setNotNull) in a later "
					+ "migration once every row and every writer sets it.");
		}
		if (backfilled) {
			if (table.primaryKey().isEmpty()) {
				check.fail("table " + table.qualifiedName() + " has no primary key; zdm fills the new column of existing "
						+ "rows in batches over the primary key. Add one first.");
			}
			else {
				check.checkTriggersOnBackfill(operation.column());
			}
		}
	}

	/**
	 * Whether the default calls a volatile function (then the backfill writes it), read from its expression
	 * tree on a temporary table that has it, or {@code null} when PostgreSQL refuses it as the column's
	 * default (reported).
	 */
	private static Boolean volatileDefault(AddColumn operation, OperationCheck check) throws SQLException {
		QualifiedName probe = OperationCheck.scratch("default");
		Savepoint savepoint = check.connection().setSavepoint();
		try (Statement statement = check.connection().createStatement()) {
			statement.execute("CREATE TEMPORARY TABLE " + probe.quoted() + " (v " + operation.type() + " DEFAULT ("
					+ operation.defaultExpression() + "))");
			return check.catalog().defaultCallsVolatile(probe, "v");
		}
		catch (SQLException ex) {
			check.fail("'default' cannot be the default of a " + operation.type() + " column: "
					+ OperationCheck.firstLine(ex.getMessage()) + ". A default is a constant, or an expression of constants "
					+ "and functions (no column, no subquery): give one that is, or compute the value from the row "
					+ "with 'up'.");
			return null;
		}
		finally {
			check.connection().rollback(savepoint);
		}
	}

	@Override
	public Resolved resolve(AddColumn operation, ResolveContext context) throws SQLException {
		TableInfo table = context.table(operation.table());
		QualifiedName qualified = table.qualifiedName();
		String on = context.description();
		String base = context.objectName();
		Identifier column = operation.column();
		String type = operation.type();
		String alter = "ALTER TABLE " + qualified.quoted() + " ";
		boolean expanded = context.memo().isPresent();
		Optional<ColumnInfo> existing = table.column(column.name());
		Identifier triggerName = Identifier.of(base);
		QualifiedName function = new QualifiedName(context.functionSchema(), triggerName);
		NotNullCheck notNull = NotNullCheck.of(qualified, column, base);

		List<String> expand = new ArrayList<>();
		if (!expanded) {
			// Plain ADD COLUMN, not IF NOT EXISTS: a column of that name zdm did not add fails the expand.
			if (operation.defaultExpression() == null) {
				expand.add(alter + "ADD COLUMN " + column.quoted() + " " + type);
			}
			else {
				expand.add(addWithDefault(operation, qualified));
			}
			if (operation.up() != null) {
				expand.add(createFunction(function, column, type, operation.up()));
				// Not for the backfill's own updates, which set the value from the same expression.
				expand.add("CREATE OR REPLACE TRIGGER " + triggerName.quoted() + " BEFORE INSERT OR UPDATE ON "
						+ qualified.quoted() + " FOR EACH ROW WHEN (" + SyncTrigger.notBypassed(triggerName) + ") EXECUTE FUNCTION "
						+ function.quoted() + "()");
				// As zdm's sync triggers: also for writes applied with session_replication_role = replica.
				expand.add(alter + "ENABLE ALWAYS TRIGGER " + triggerName.quoted());
			}
		}

		// What fills existing rows: 'up', or a volatile default (a non-volatile one is stored once, for all).
		String fill = null;
		if (operation.up() != null) {
			fill = "CAST((" + operation.up() + ") AS " + type + ")";
		}
		else if (operation.defaultExpression() != null && (!expanded || existing.isEmpty()
				|| context.catalog().defaultCallsVolatile(qualified, column.name()))) {
			fill = "CAST((" + operation.defaultExpression() + ") AS " + type + ")";
		}
		Optional<Backfill> backfill = Optional.empty();
		if (fill != null) {
			// Rows still NULL for which the value is not: new rows got it already, a row whose value is NULL
			// is left to the validation of NOT NULL (which names it), or stays NULL.
			backfill = Optional.of(new Backfill.SqlAssignment(new BackfillTarget(qualified, table.primaryKey(), column,
					fill, column.quoted() + " IS NULL AND " + fill + " IS NOT NULL", triggerName, null)));
		}

		boolean completed = existing.map(ColumnInfo::notNull).orElse(false);
		Optional<Boolean> validated = context.catalog().constraintValidated(table, notNull.constraint().name());
		List<String> switchOver = (operation.notNull() && !completed && validated.isEmpty()) ? notNull.add() : List.of();
		List<DdlStep> beforeContract = (!operation.notNull() || completed || validated.orElse(false)) ? List.of()
				: List.of(new DdlStep.Validating("count rows of " + qualified + " with " + column + " NULL for " + on,
						ViolatingRows.report(table, column.quoted() + " IS NULL", "hold NULL in column " + column.quoted()
								+ ", which " + on + " adds NOT NULL",
								"Set a value in those rows, then advance again; or roll the migration back")),
						notNull.validate(on));
		List<String> contract = new ArrayList<>();
		if (operation.up() != null) {
			contract.add("DROP TRIGGER IF EXISTS " + triggerName.quoted() + " ON " + qualified.quoted());
			contract.add("DROP FUNCTION IF EXISTS " + function.quoted() + "()");
		}
		if (operation.notNull() && !completed) {
			contract.addAll(notNull.setNotNull());
		}
		// Only once expand recorded the column as zdm's may a rollback drop it.
		List<String> rollback = new ArrayList<>();
		if (expanded) {
			rollback.add("DROP TRIGGER IF EXISTS " + triggerName.quoted() + " ON " + qualified.quoted());
			rollback.add("DROP FUNCTION IF EXISTS " + function.quoted() + "()");
			rollback.add(notNull.drop());
			rollback.add(alter + "DROP COLUMN IF EXISTS " + column.quoted());
		}
		return new Resolved(new DdlStep.InTransaction("expand " + on, expand), ADDED, backfill, List.of(),
				new DdlStep.InTransaction("switch " + on, switchOver), beforeContract,
				new DdlStep.InTransaction("contract " + on, contract),
				new DdlStep.InTransaction("rollback " + on, rollback), VersionView.unchanged(qualified), Sync.NONE);
	}

	/**
	 * The column with its default, decided by PostgreSQL in the expand transaction: the default is tried on
	 * a temporary table and its expression tree read; a volatile one is set after the column is added, for
	 * new rows only (the backfill fills existing rows), a non-volatile one with the column (no rewrite).
	 */
	private static String addWithDefault(AddColumn operation, QualifiedName table) {
		String column = operation.column().quoted();
		String type = operation.type();
		String expression = operation.defaultExpression();
		String alter = "ALTER TABLE " + table.quoted() + " ";
		String probe = "pg_temp._zdm_default_probe";
		String body = "DECLARE _zdm_volatile boolean; BEGIN\n"
				+ "  CREATE TEMPORARY TABLE _zdm_default_probe (v " + type + " DEFAULT (" + expression + "));\n"
				+ "  _zdm_volatile := (" + CatalogReader.defaultCallsVolatileQuery(probe, "v") + ");\n"
				+ "  DROP TABLE " + probe + ";\n"
				+ "  IF _zdm_volatile THEN\n"
				+ "    " + alter + "ADD COLUMN " + column + " " + type + ";\n"
				+ "    " + alter + "ALTER COLUMN " + column + " SET DEFAULT " + expression + ";\n"
				+ "  ELSE\n"
				+ "    " + alter + "ADD COLUMN " + column + " " + type + " DEFAULT " + expression + ";\n"
				+ "  END IF;\n"
				+ "END\n";
		String tag = SqlTokenizer.freeDollarTag(body, "zdm_add");
		return "DO " + tag + "\n" + body + tag;
	}

	/**
	 * The trigger function: {@code up} over the row for an insert that leaves the column {@code NULL}, and for
	 * an update that changes what {@code up} gives (the columns it reads changed); otherwise the column keeps
	 * what the writer set.
	 */
	private static String createFunction(QualifiedName function, Identifier column, String type, String up) {
		String overNew = "(SELECT CAST((" + up + ") AS " + type + ") FROM (SELECT NEW.*) AS _zdm_row)";
		String overOld = "(SELECT CAST((" + up + ") AS " + type + ") FROM (SELECT OLD.*) AS _zdm_row)";
		String target = "NEW." + column.quoted();
		String body = "BEGIN\n"
				+ "  IF TG_OP = 'INSERT' THEN\n"
				+ "    IF " + target + " IS NULL THEN " + target + " := " + overNew + "; END IF;\n"
				+ "  ELSIF " + overNew + " IS DISTINCT FROM " + overOld + " THEN\n"
				+ "    " + target + " := " + overNew + ";\n"
				+ "  END IF;\n"
				+ "  RETURN NEW;\n"
				+ "END\n";
		String tag = SqlTokenizer.freeDollarTag(body, "zdm_up");
		return "CREATE OR REPLACE FUNCTION " + function.quoted() + "() RETURNS trigger LANGUAGE plpgsql AS " + tag + "\n"
				+ body + tag;
	}

}

package dev.zdm.core.operation;

import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.zdm.core.catalog.ColumnInfo;
import dev.zdm.core.catalog.ExpressionFunction;
import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.ddl.DdlStep;
import dev.zdm.core.plan.AddCheckConstraint;
import dev.zdm.core.plan.OperationArguments;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;

/**
 * {@code addCheckConstraint {table, name, check}}: {@code ADD CONSTRAINT ... CHECK (...) NOT VALID} in expand
 * (metadata only, under the lock timeout; every new write is checked from then on); before contract, the
 * rows that violate it are counted (the migration stops with their count and a few of their keys when there
 * are any), then {@code VALIDATE CONSTRAINT} scans the table under {@code SHARE UPDATE EXCLUSIVE}, which
 * blocks neither reads nor writes. Nothing to backfill, switch or contract; a rollback drops the constraint.
 */
public final class AddCheckConstraintType implements OperationType<AddCheckConstraint> {

	/** The memo of expand: the constraint is zdm's from then on (a rollback drops it). */
	static final Memo ADDED = () -> "constraint";

	/** How many keys of violating rows the report gives. */
	static final int VIOLATION_EXAMPLES = 5;

	@Override
	public String kind() {
		return "addCheckConstraint";
	}

	@Override
	public Class<AddCheckConstraint> operationClass() {
		return AddCheckConstraint.class;
	}

	@Override
	public Set<String> keys() {
		return Set.of("table", "name", "check");
	}

	@Override
	public AddCheckConstraint read(OperationArguments arguments) {
		QualifiedName table = arguments.table("table");
		Identifier name = arguments.identifier("name", true);
		String check = arguments.scalar("check", true);
		return arguments.build(() -> new AddCheckConstraint(table, name, check));
	}

	@Override
	public void validate(AddCheckConstraint operation, OperationCheck check) throws SQLException {
		TableInfo table = check.table();
		if (check.beforeExpand() && check.catalog().constraintValidated(table, operation.name().name()).isPresent()) {
			check.fail("table " + table.qualifiedName() + " already has a constraint \"" + operation.name()
					+ "\": choose another 'name'.");
		}
		// On an empty copy of the table, PostgreSQL checks the constraint by its own rules: a boolean over the
		// row's columns, no subquery, no aggregate.
		QualifiedName copy = OperationCheck.scratch("check_table");
		if (!check.sql("CREATE TEMPORARY TABLE " + copy.quoted() + " (LIKE " + table.qualifiedName().quoted() + "); "
				+ "ALTER TABLE " + copy.quoted() + " ADD CONSTRAINT " + operation.name().quoted() + " CHECK ("
				+ operation.check() + ") NOT VALID", "'check' is not a condition PostgreSQL accepts over the row of "
						+ table.qualifiedName() + " (columns: " + table.columnNames() + ")",
				". Give a boolean expression over the row's own columns, by their bare names (no subquery, no "
						+ "aggregate).")) {
			return;
		}
		List<String> volatileFunctions = volatileFunctions(operation, check);
		if (!volatileFunctions.isEmpty()) {
			check.fail("'check' calls the volatile function" + ((volatileFunctions.size() > 1) ? "s " : " ")
					+ String.join(", ", volatileFunctions) + ", which may give another answer each time: a row accepted "
					+ "when written could violate the constraint later, and VALIDATE CONSTRAINT would then fail. Use "
					+ "immutable or stable functions only.");
		}
	}

	/** The volatile functions the check calls, read from the query tree of a temporary view that holds it. */
	private static List<String> volatileFunctions(AddCheckConstraint operation, OperationCheck check)
			throws SQLException {
		QualifiedName view = OperationCheck.scratch("check_view");
		Savepoint savepoint = check.connection().setSavepoint();
		try (Statement statement = check.connection().createStatement()) {
			statement.execute("CREATE TEMPORARY VIEW " + view.quoted() + " AS SELECT 1 AS _zdm FROM (SELECT * FROM "
					+ check.table().qualifiedName().quoted() + ") AS _zdm_row WHERE (" + operation.check() + ")");
			return check.catalog().functionsCalledBy(view).stream()
				.filter(ExpressionFunction::isVolatile)
				.map(ExpressionFunction::signature)
				.toList();
		}
		finally {
			check.connection().rollback(savepoint);
		}
	}

	/**
	 * A statement that counts the rows violating the check and, if there are any, fails with their count and
	 * the keys of the first few: {@code VALIDATE CONSTRAINT} would fail on the first and name none.
	 */
	static String violationsReport(AddCheckConstraint operation, TableInfo table) {
		List<String> key = table.primaryKey().isEmpty() ? List.of("ctid")
				: table.primaryKey().stream().map(ColumnInfo::name).map(Identifier::quote).toList();
		String keyNames = table.primaryKey().isEmpty() ? "ctid"
				: table.primaryKey().stream().map(ColumnInfo::name).collect(Collectors.joining(", "));
		String keys = String.join(", ", key);
		String body = "DECLARE _zdm_n bigint; _zdm_keys text; BEGIN "
				+ "SELECT count(*), string_agg(_zdm_k, ', ' ORDER BY _zdm_i) FILTER (WHERE _zdm_i <= " + VIOLATION_EXAMPLES
				+ ") INTO _zdm_n, _zdm_keys FROM (SELECT ROW(" + keys + ")::text AS _zdm_k, row_number() OVER (ORDER BY "
				+ keys + ") AS _zdm_i FROM " + table.qualifiedName().quoted() + " WHERE NOT (" + operation.check()
				+ ")) AS _zdm_v; "
				+ "IF _zdm_n > 0 THEN RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = format('%s rows of %s "
				+ "violate check constraint %s (%s), for example the rows with (%s) = %s. Fix those rows (or the check), "
				+ "then advance again; or roll the migration back. Meanwhile the constraint stays NOT VALID, and new "
				+ "writes are checked', _zdm_n, " + literal(table.qualifiedName().toString()) + ", "
				+ literal(operation.name().name()) + ", " + literal(operation.check()) + ", " + literal(keyNames)
				+ ", _zdm_keys); END IF; END ";
		String tag = "$zdm$";
		for (int i = 1; body.contains(tag); i++) {
			tag = "$zdm" + i + "$";
		}
		return "DO " + tag + body + tag;
	}

	private static String literal(String text) {
		return "'" + text.replace("'", "''") + "'";
	}

	@Override
	public Resolved resolve(AddCheckConstraint operation, ResolveContext context) throws SQLException {
		TableInfo table = context.table(operation.table());
		QualifiedName qualified = table.qualifiedName();
		String on = context.description();
		String alter = "ALTER TABLE " + qualified.quoted() + " ";
		Optional<Boolean> validated = context.catalog().constraintValidated(table, operation.name().name());
		// Added once: the expand transaction commits with its record, and a run after it finds the constraint.
		List<String> expand = validated.isPresent() ? List.of()
				: List.of(alter + "ADD CONSTRAINT " + operation.name().quoted() + " CHECK (" + operation.check()
						+ ") NOT VALID");
		List<DdlStep> beforeContract = validated.orElse(false) ? List.of()
				: List.of(new DdlStep.Validating("count rows violating " + operation.name() + " on " + qualified + " for " + on,
						violationsReport(operation, table)),
						new DdlStep.Validating("validate " + operation.name() + " on " + qualified + " for " + on,
								alter + "VALIDATE CONSTRAINT " + operation.name().quoted()));
		// Only once expand recorded the constraint as zdm's may a rollback drop it.
		List<String> rollback = context.memo().isPresent()
				? List.of(alter + "DROP CONSTRAINT IF EXISTS " + operation.name().quoted()) : List.of();
		return new Resolved(new DdlStep.InTransaction("expand " + on, expand), ADDED, Optional.empty(), List.of(),
				DdlStep.InTransaction.none("switch " + on), beforeContract, DdlStep.InTransaction.none("contract " + on),
				new DdlStep.InTransaction("rollback " + on, rollback), VersionView.unchanged(qualified), Sync.NONE);
	}

}

package dev.zdm.core.operation;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.zdm.core.backfill.BackfillTarget;
import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.ddl.DdlStep;
import dev.zdm.core.plan.AddUniqueConstraint;
import dev.zdm.core.plan.AddUniqueConstraint.Duplicates;
import dev.zdm.core.plan.OperationArguments;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;

/**
 * {@code addUniqueConstraint {table, columns, name?, duplicates: refuse | {keep-newest-by: <col>} |
 * {keep-oldest-by: <col>}}}:
 * <ul>
 * <li>{@code refuse} (the default): validation counts the duplicated values before any DDL and refuses the
 * plan when there are any; expand builds the index {@code CREATE UNIQUE INDEX CONCURRENTLY}, outside a
 * transaction, under the constraint's name;</li>
 * <li>{@code keep-newest-by}/{@code keep-oldest-by}: the backfill deletes, in keyset batches, every row that
 * another row of the same values outranks (the greatest, or least, {@code keepBy}; a row whose {@code keepBy}
 * is NULL is outranked by any other; then the greatest, or least, primary key), logging the key of each row
 * deleted and recording it as an event: these rows are lost by design. The index is built before the
 * switch;</li>
 * <li>contract: {@code ADD CONSTRAINT ... UNIQUE USING INDEX} (a brief {@code ACCESS EXCLUSIVE}, no scan);</li>
 * <li>rollback drops the index zdm built ({@code CONCURRENTLY}); deleted rows stay deleted.</li>
 * </ul>
 * A build that fails on duplicates written meanwhile says which values, and leaves no index.
 */
public final class AddUniqueConstraintType implements OperationType<AddUniqueConstraint> {

	/** The memo of expand: the index's name is zdm's from then on (a rollback drops it). */
	static final Memo BUILT = () -> "index";

	/**
	 * The memo of expand when zdm also builds a plain index on the columns for the backfill (through which each
	 * batch finds the other rows of its values), dropped once the unique index exists.
	 */
	static final Memo BUILT_WITH_LOOKUP = () -> "index,lookup";

	/** How many duplicated values the reports show. */
	static final int DUPLICATE_EXAMPLES = 5;

	@Override
	public String kind() {
		return "addUniqueConstraint";
	}

	@Override
	public Class<AddUniqueConstraint> operationClass() {
		return AddUniqueConstraint.class;
	}

	@Override
	public Set<String> keys() {
		return Set.of("table", "columns", "name", "duplicates");
	}

	@Override
	public AddUniqueConstraint read(OperationArguments arguments) {
		QualifiedName table = arguments.table("table");
		List<Identifier> columns = arguments.identifiers("columns", true);
		Identifier name = arguments.identifier("name", false);
		Duplicates duplicates;
		Identifier keepBy = null;
		if (arguments.isMapping("duplicates")) {
			OperationArguments policy = arguments.mapping("duplicates", Set.of("keep-newest-by", "keep-oldest-by"), true);
			Identifier newest = policy.identifier("keep-newest-by", false);
			Identifier oldest = policy.identifier("keep-oldest-by", false);
			duplicates = (newest != null) ? Duplicates.KEEP_NEWEST_BY : Duplicates.KEEP_OLDEST_BY;
			keepBy = (newest != null) ? newest : oldest;
			if (newest != null && oldest != null) {
				return arguments.build(() -> {
					throw new IllegalArgumentException("'duplicates' gives both keep-newest-by and keep-oldest-by: keep one");
				});
			}
			if (newest == null && oldest == null) {
				return arguments.build(() -> {
					throw new IllegalArgumentException("'duplicates' must be refuse, {keep-newest-by: <column>} or "
							+ "{keep-oldest-by: <column>}");
				});
			}
		}
		else {
			duplicates = arguments.choice("duplicates", Duplicates.class, Duplicates.REFUSE);
		}
		Duplicates policy = duplicates;
		Identifier by = keepBy;
		return arguments.build(() -> new AddUniqueConstraint(table, columns, name, policy, by));
	}

	@Override
	public void validate(AddUniqueConstraint operation, OperationCheck check) throws SQLException {
		TableInfo table = check.table();
		if ("p".equals(check.catalog().relationKind(table.schema(), table.name()).orElse(""))) {
			check.fail("table " + table.qualifiedName() + " is partitioned: PostgreSQL cannot build an index on it "
					+ "CONCURRENTLY, so zdm cannot add a unique constraint without a build under a lock that blocks writes. "
					+ "Add it to each partition (one addUniqueConstraint per partition).");
			return;
		}
		List<String> missing = operation.columns().stream()
			.filter((column) -> table.column(column.name()).isEmpty())
			.map((column) -> "\"" + column.name() + "\"")
			.collect(Collectors.toList());
		if (operation.keepBy() != null && table.column(operation.keepBy().name()).isEmpty()) {
			missing.add("\"" + operation.keepBy().name() + "\" (the column of 'duplicates: " + operation.duplicates() + "')");
		}
		if (!missing.isEmpty()) {
			check.fail("table " + table.qualifiedName() + " has no column " + String.join(", ", missing)
					+ ". Known columns: " + table.columnNames() + ".");
			return;
		}
		if (check.beforeExpand()) {
			if (check.catalog().constraintValidated(table, operation.name().name()).isPresent()) {
				check.fail("table " + table.qualifiedName() + " already has a constraint \"" + operation.name()
						+ "\": choose another 'name'.");
			}
			else if (check.catalog().relationKind(table.schema(), operation.name().name()).isPresent()) {
				check.fail("the name \"" + operation.name() + "\" is taken in schema " + table.schema() + " (the "
						+ "constraint's index takes it, and indexes, tables, views and sequences share one namespace): choose "
						+ "another 'name'.");
			}
		}
		// Built on an empty copy of the table, PostgreSQL checks that the types have a btree equality.
		QualifiedName copy = OperationCheck.scratch("unique_table");
		if (!check.sql("CREATE TEMPORARY TABLE " + copy.quoted() + " (LIKE " + table.qualifiedName().quoted() + "); "
				+ "CREATE UNIQUE INDEX ON " + copy.quoted() + " " + quotedNames(operation.columns()),
				"PostgreSQL cannot build a unique index on " + names(operation.columns()),
				". Choose columns whose types have a btree equality (not json, xml or point, say).")) {
			return;
		}
		if (operation.duplicates() != Duplicates.REFUSE) {
			check.namesFit(List.of(ObjectNames.base(check.plan().id(), check.index()) + "_lookup"));
			if (table.primaryKey().isEmpty()) {
				check.fail("'duplicates: " + operation.duplicates() + "' deletes rows in keyset batches over the primary "
						+ "key, and table " + table.qualifiedName() + " has none: add a primary key first, or use "
						+ "'duplicates: refuse' and remove the duplicates yourself.");
			}
			check.sql("EXPLAIN SELECT 1 FROM " + table.qualifiedName().quoted() + " ORDER BY "
					+ operation.keepBy().quoted(), "column \"" + operation.keepBy() + "\" of 'duplicates: "
							+ operation.duplicates() + "' cannot order rows", ". Choose a column with an order, such as a "
									+ "timestamp or a sequence.");
			List<String> referencing = check.catalog().referencingForeignKeys(table);
			if (!referencing.isEmpty()) {
				check.fail("'duplicates: " + operation.duplicates() + "' would delete rows of " + table.qualifiedName()
						+ " that other tables may reference (" + String.join(", ", referencing) + "): their deletes would "
						+ "cascade to rows nobody chose, or fail. Use 'duplicates: refuse' and merge the duplicates yourself.");
			}
		}
		if (check.beforeExpand() && operation.duplicates() == Duplicates.REFUSE) {
			String report = duplicatesReport(operation, check, table);
			if (report != null) {
				check.fail(report + ". Remove or merge the duplicates, then start again; or choose 'duplicates: "
						+ "{keep-newest-by: <column>}' or '{keep-oldest-by: <column>}' to have zdm delete all but one row "
						+ "of each value in the backfill.");
			}
		}
	}

	/** Says what a plan accepted will delete ({@code keep-newest-by}, {@code keep-oldest-by}). */
	@Override
	public void review(AddUniqueConstraint operation, OperationCheck check) throws SQLException {
		TableInfo table = check.table();
		if (operation.duplicates() == Duplicates.REFUSE
				|| check.catalog().constraintValidated(table, operation.name().name()).isPresent()) {
			return;
		}
		String report;
		Savepoint savepoint = check.connection().setSavepoint();
		try {
			report = duplicatesReport(operation, check, table);
			check.connection().releaseSavepoint(savepoint);
		}
		catch (SQLException ex) {
			check.connection().rollback(savepoint);
			if (!"57014".equals(ex.getSQLState())) {
				throw ex;
			}
			check.warn("zdm could not count the duplicates within the review's time limit: 'duplicates: "
					+ operation.duplicates() + "' will delete all but one row of each value in the backfill, and log the "
					+ "key of each row deleted.");
			return;
		}
		if (report != null) {
			check.warn(report + ": 'duplicates: " + operation.duplicates() + "' deletes all but one row of each value "
					+ "in the backfill (their keys are logged and recorded as rows-removed events; a rollback does not "
					+ "bring them back).");
		}
	}

	/** The duplicates' report ({@link #duplicatesQuery}), or {@code null} when there are none. */
	private static String duplicatesReport(AddUniqueConstraint operation, OperationCheck check, TableInfo table)
			throws SQLException {
		try (PreparedStatement statement = check.connection().prepareStatement(duplicatesQuery(operation, table));
				ResultSet rs = statement.executeQuery()) {
			rs.next();
			return rs.getString(1);
		}
	}

	private static String names(List<Identifier> columns) {
		return "(" + columns.stream().map(Identifier::name).collect(Collectors.joining(", ")) + ")";
	}

	private static String quotedNames(List<Identifier> columns) {
		return "(" + columns.stream().map(Identifier::quoted).collect(Collectors.joining(", ")) + ")";
	}

	/**
	 * One text: how many values more than one row holds (rows with a NULL among the columns never conflict),
	 * with the first few, most repeated first; {@code NULL} when there are none.
	 */
	static String duplicatesQuery(AddUniqueConstraint operation, TableInfo table) {
		List<String> keys = operation.columns().stream().map(Identifier::quoted).toList();
		String notNull = keys.stream().map((key) -> key + " IS NOT NULL").collect(Collectors.joining(" AND "));
		return "SELECT CASE WHEN count(*) > 0 THEN format('%s values of %s are held by more than one row of %s (%s rows), "
				+ "for example %s', count(*), " + literal(names(operation.columns())) + ", "
				+ literal(table.qualifiedName().toString()) + ", sum(_zdm_n), string_agg(_zdm_k || ' in ' || _zdm_n || "
				+ "' rows', '; ' ORDER BY _zdm_i) FILTER (WHERE _zdm_i <= " + DUPLICATE_EXAMPLES + ")) END "
				+ "FROM (SELECT _zdm_k, _zdm_n, row_number() OVER (ORDER BY _zdm_n DESC, _zdm_k) AS _zdm_i FROM (SELECT "
				+ "ROW(" + String.join(", ", keys) + ")::text AS _zdm_k, count(*) AS _zdm_n FROM "
				+ table.qualifiedName().quoted() + " WHERE " + notNull + " GROUP BY " + String.join(", ", keys)
				+ " HAVING count(*) > 1) AS _zdm_d) AS _zdm_d";
	}

	/**
	 * True for a row, its columns prefixed with {@code row}, that another row of the same values outranks: its
	 * {@code keepBy} is greater (newest) or less (oldest), or set where the row's is NULL, or equal with a
	 * greater (newest) or less (oldest) primary key.
	 */
	static String outranked(AddUniqueConstraint operation, TableInfo table, String row) {
		String other = "_zdm_dup";
		String set = operation.columns().stream().map((column) -> row + "." + column.quoted() + " IS NOT NULL")
			.collect(Collectors.joining(" AND "));
		String same = operation.columns().stream()
			.map((column) -> other + "." + column.quoted() + " = " + row + "." + column.quoted())
			.collect(Collectors.joining(" AND "));
		String by = operation.keepBy().quoted();
		String wins = (operation.duplicates() == Duplicates.KEEP_NEWEST_BY) ? ">" : "<";
		String otherKey = table.primaryKey().stream().map((column) -> other + "." + Identifier.quote(column.name()))
			.collect(Collectors.joining(", "));
		String rowKey = table.primaryKey().stream().map((column) -> row + "." + Identifier.quote(column.name()))
			.collect(Collectors.joining(", "));
		return "(" + set + " AND EXISTS (SELECT 1 FROM " + table.qualifiedName().quoted() + " AS " + other + " WHERE " + same
				+ " AND (" + other + "." + by + " " + wins + " " + row + "." + by + " OR (" + other + "." + by
				+ " IS NOT NULL AND " + row + "." + by + " IS NULL) OR (" + other + "." + by + " IS NOT DISTINCT FROM " + row
				+ "." + by + " AND ROW(" + otherKey + ") " + wins + " ROW(" + rowKey + ")))))";
	}

	private static String literal(String text) {
		return "'" + text.replace("'", "''") + "'";
	}

	@Override
	public Resolved resolve(AddUniqueConstraint operation, ResolveContext context) throws SQLException {
		TableInfo table = context.table(operation.table());
		QualifiedName qualified = table.qualifiedName();
		QualifiedName index = new QualifiedName(Identifier.of(table.schema()), operation.name());
		String on = context.description();
		boolean added = context.catalog().constraintValidated(table, operation.name().name()).isPresent();
		List<DdlStep> build = added ? List.of()
				: List.of(new DdlStep.Concurrently("build unique index " + index + " on " + qualified + " for " + on,
						"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS " + operation.name().quoted() + " ON "
								+ qualified.quoted() + " " + quotedNames(operation.columns()),
						index, "SELECT (" + duplicatesQuery(operation, table) + ") || '. They were written after zdm "
								+ "checked (or removed) the duplicates: remove them (or stop the writes that make them), then "
								+ "advance again; or roll the migration back'"));
		boolean refuse = operation.duplicates() == Duplicates.REFUSE;
		// Decided once, before expand: without an index on the columns, every batch would scan the table.
		boolean lookup = !refuse && context.memo().map((memo) -> memo.equals(BUILT_WITH_LOOKUP.encode()))
			.orElse(!AddForeignKeyType.indexLeadsWith(context.catalog(), table, operation.columns()));
		QualifiedName lookupIndex = new QualifiedName(Identifier.of(table.schema()),
				Identifier.of(context.objectName() + "_lookup"));
		List<DdlStep> expand = new ArrayList<>(refuse ? build : List.of());
		if (lookup && !added) {
			expand.add(new DdlStep.Concurrently("build index " + lookupIndex + " on " + qualified + " for the backfill of "
					+ on, "CREATE INDEX CONCURRENTLY IF NOT EXISTS " + lookupIndex.name().quoted() + " ON " + qualified.quoted()
							+ " " + quotedNames(operation.columns()), lookupIndex));
		}
		DdlStep dropLookup = new DdlStep.Concurrently("drop index " + lookupIndex + " of " + on,
				"DROP INDEX CONCURRENTLY IF EXISTS " + lookupIndex.quoted(), null);
		Optional<Backfill> backfill = refuse ? Optional.empty()
				: Optional.of(new Backfill.RowRemoval(new BackfillTarget(qualified, table.primaryKey(), List.of(),
						outranked(operation, table, qualified.quoted()), List.of(), null, "duplicates of "
								+ names(operation.columns()) + ", duplicates: " + operation.duplicates() + " "
								+ operation.keepBy().name())));
		DdlStep.InTransaction contract = new DdlStep.InTransaction("contract " + on, added ? List.of()
				: List.of("ALTER TABLE " + qualified.quoted() + " ADD CONSTRAINT " + operation.name().quoted()
						+ " UNIQUE USING INDEX " + operation.name().quoted()));
		// Only once expand recorded the names as zdm's may a rollback drop the indexes; never the constraint's.
		List<DdlStep> rollback = new ArrayList<>();
		if (context.memo().isPresent() && !added) {
			rollback.add(new DdlStep.Concurrently("drop index " + index + " of " + on,
					"DROP INDEX CONCURRENTLY IF EXISTS " + index.quoted(), null));
		}
		if (context.memo().isPresent() && lookup) {
			rollback.add(dropLookup);
		}
		return new Resolved(DdlStep.InTransaction.none("expand " + on), lookup ? BUILT_WITH_LOOKUP : BUILT, backfill,
				refuse ? List.of() : build, DdlStep.InTransaction.none("switch " + on), List.of(), contract,
				DdlStep.InTransaction.none("rollback " + on), VersionView.unchanged(qualified), Sync.NONE,
				new Resolved.Outside(expand, lookup ? List.of(dropLookup) : List.of(), rollback));
	}

}

package dev.zdm.core.operation;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.zdm.core.backfill.BackfillTarget;
import dev.zdm.core.catalog.ColumnInfo;
import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.ddl.DdlStep;
import dev.zdm.core.plan.AddForeignKey;
import dev.zdm.core.plan.AddForeignKey.OnDelete;
import dev.zdm.core.plan.AddForeignKey.Orphans;
import dev.zdm.core.plan.OperationArguments;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;

/**
 * {@code addForeignKey {table, columns, references {table, columns}, onDelete?, name?, index?, orphans?}}:
 * <ul>
 * <li>expand: once the expand transaction recorded what is zdm's, an index on the referencing columns is built
 * {@code CONCURRENTLY} when no valid btree index leads with them (so that deletes of referenced rows, and the
 * validation, do not scan the table; {@code index: false} opts out), then the constraint is added
 * {@code NOT VALID} (a brief {@code SHARE ROW EXCLUSIVE} on both tables, under the lock timeout); every new
 * write is checked from then on, so no new orphan can appear;</li>
 * <li>backfill ({@code orphans: delete | nullify}): existing orphans are deleted, or their referencing columns
 * set to {@code NULL}, in keyset batches; the key of each row is logged and recorded as an event;</li>
 * <li>before contract: orphans are counted (the migration stops with their count and a few keys and values
 * when there are any), then {@code VALIDATE CONSTRAINT} scans under {@code SHARE UPDATE EXCLUSIVE} (and
 * {@code ROW SHARE} on the referenced table), which blocks neither reads nor writes;</li>
 * <li>rollback: drops the constraint, and the index if zdm built it. Rows a policy removed stay removed.</li>
 * </ul>
 * Under {@code orphans: refuse} (the default), validation counts the orphans before any DDL and refuses the
 * plan when there are any.
 */
public final class AddForeignKeyType implements OperationType<AddForeignKey> {

	/** The memo of expand when zdm builds the index: the constraint and the index are zdm's. */
	static final Memo WITH_INDEX = () -> "constraint,index";

	/** The memo of expand when an index already serves the columns: the constraint alone is zdm's. */
	static final Memo CONSTRAINT = () -> "constraint";

	/** How many orphans the reports show. */
	static final int ORPHAN_EXAMPLES = 5;

	@Override
	public String kind() {
		return "addForeignKey";
	}

	@Override
	public Class<AddForeignKey> operationClass() {
		return AddForeignKey.class;
	}

	@Override
	public Set<String> keys() {
		return Set.of("table", "columns", "references", "onDelete", "name", "index", "orphans");
	}

	@Override
	public AddForeignKey read(OperationArguments arguments) {
		QualifiedName table = arguments.table("table");
		List<Identifier> columns = arguments.identifiers("columns", true);
		OperationArguments references = arguments.mapping("references", Set.of("table", "columns"), true);
		QualifiedName referencedTable = (references != null) ? references.table("table") : null;
		List<Identifier> referencedColumns = (references != null) ? references.identifiers("columns", true) : null;
		OnDelete onDelete = arguments.choice("onDelete", OnDelete.class, OnDelete.NO_ACTION);
		Identifier name = arguments.identifier("name", false);
		Boolean index = arguments.bool("index", true);
		Orphans orphans = arguments.choice("orphans", Orphans.class, Orphans.REFUSE);
		return arguments.build(() -> new AddForeignKey(table, columns, referencedTable, referencedColumns, onDelete, name,
				index, orphans));
	}

	@Override
	public void validate(AddForeignKey operation, OperationCheck check) throws SQLException {
		TableInfo table = check.table();
		if ("p".equals(check.catalog().relationKind(table.schema(), table.name()).orElse(""))) {
			check.fail("table " + table.qualifiedName() + " is partitioned: PostgreSQL cannot add a foreign key NOT VALID "
					+ "to it, nor build an index on it CONCURRENTLY, so zdm cannot add one without a scan under a lock that "
					+ "blocks writes. Add the foreign key to each partition (one addForeignKey per partition).");
			return;
		}
		List<String> missing = missing(table, operation.columns());
		if (!missing.isEmpty()) {
			check.fail("table " + table.qualifiedName() + " has no column " + String.join(", ", missing) + ". Known columns: "
					+ table.columnNames() + ".");
		}
		Optional<TableInfo> found = check.catalog().table(operation.referencedTable());
		if (found.isEmpty()) {
			check.fail("the referenced table \"" + operation.referencedTable() + "\" does not exist. Fix 'references.table' "
					+ "(schema-qualify it when it is not on the search_path), or create the table first.");
			return;
		}
		TableInfo referenced = found.get();
		List<String> missingReferenced = missing(referenced, operation.referencedColumns());
		if (!missingReferenced.isEmpty()) {
			check.fail("the referenced table " + referenced.qualifiedName() + " has no column "
					+ String.join(", ", missingReferenced) + ". Known columns: " + referenced.columnNames() + ".");
		}
		if (!missing.isEmpty() || !missingReferenced.isEmpty()) {
			return;
		}
		Set<String> wanted = operation.referencedColumns().stream().map(Identifier::name).collect(Collectors.toSet());
		List<List<String>> uniqueKeys = check.catalog().uniqueKeys(referenced);
		if (uniqueKeys.stream().noneMatch((key) -> new HashSet<>(key).equals(wanted))) {
			check.fail("the referenced columns " + names(operation.referencedColumns()) + " of " + referenced.qualifiedName()
					+ " carry no primary key or unique constraint, which a foreign key needs to find one row per key"
					+ (uniqueKeys.isEmpty() ? ""
							: " (its unique keys: " + uniqueKeys.stream()
								.map((key) -> "(" + String.join(", ", key) + ")")
								.collect(Collectors.joining(", ")) + ")")
					+ ". Reference a unique key, or add a unique constraint on those columns first (addUniqueConstraint).");
			return;
		}
		if (!checkTypes(operation, check, table, referenced)) {
			return;
		}
		if ((operation.onDelete() == OnDelete.SET_NULL || operation.orphans() == Orphans.NULLIFY)
				&& columns(table, operation.columns()).stream().anyMatch(ColumnInfo::notNull)) {
			check.fail("column " + columns(table, operation.columns()).stream()
				.filter(ColumnInfo::notNull)
				.map((column) -> "\"" + column.name() + "\"")
				.collect(Collectors.joining(", ")) + " of " + table.qualifiedName() + " is NOT NULL, so "
					+ ((operation.orphans() == Orphans.NULLIFY) ? "'orphans: nullify'" : "'onDelete: set-null'")
					+ " cannot set it to NULL. Choose another " + ((operation.orphans() == Orphans.NULLIFY) ? "'orphans' "
							+ "policy (delete, or refuse and fix the rows yourself)" : "'onDelete' action")
					+ ", or drop NOT NULL first.");
		}
		if (check.beforeExpand()) {
			if (check.catalog().constraintValidated(table, operation.name().name()).isPresent()) {
				check.fail("table " + table.qualifiedName() + " already has a constraint \"" + operation.name()
						+ "\": choose another 'name'.");
			}
			if (needsIndex(operation, check.catalog(), table)) {
				Identifier index = indexName(operation);
				Optional<String> taken = check.catalog().relationKind(table.schema(), index.name());
				if (taken.isPresent()) {
					check.fail("zdm would build an index on " + names(operation.columns()) + " named \"" + index
							+ "\", but that name is taken in schema " + table.schema() + ": give the constraint another "
							+ "'name' (the index is named after it), or create an index on those columns yourself first, or "
							+ "set 'index: false'.");
				}
			}
		}
		if (operation.orphans() != Orphans.REFUSE) {
			checkRemovalPolicy(operation, check, table, referenced);
		}
		if (check.beforeExpand() && operation.orphans() == Orphans.REFUSE) {
			String report = orphansReport(operation, check, table, referenced);
			if (report != null) {
				check.fail(report + ". Delete those rows, point them at existing rows or set their "
						+ names(operation.columns()) + " to NULL, then start again; or choose 'orphans: delete' or "
						+ "'orphans: nullify' to have zdm do it in the backfill.");
			}
		}
	}

	/**
	 * Says what a plan accepted will remove ({@code orphans: delete | nullify}), and warns of referencing columns
	 * of another type than the referenced ones.
	 */
	@Override
	public void review(AddForeignKey operation, OperationCheck check) throws SQLException {
		TableInfo table = check.table();
		Optional<TableInfo> found = check.catalog().table(operation.referencedTable());
		if (found.isEmpty()) {
			return;
		}
		TableInfo referenced = found.get();
		List<String> differing = differingTypes(operation, table, referenced);
		if (!differing.isEmpty()) {
			check.warn("the types of the columns differ (" + String.join("; ", differing) + "): PostgreSQL compares them "
					+ "with a cast, and a referencing column narrower than the key it references will fail once the keys "
					+ "outgrow it. Consider changing it to the referenced type (changeColumnType).");
		}
		if (operation.orphans() == Orphans.REFUSE || check.catalog().constraintValidated(table, operation.name().name())
			.isPresent()) {
			return;
		}
		String report;
		Savepoint savepoint = check.connection().setSavepoint();
		try {
			report = orphansReport(operation, check, table, referenced);
			check.connection().releaseSavepoint(savepoint);
		}
		catch (SQLException ex) {
			check.connection().rollback(savepoint);
			if (!"57014".equals(ex.getSQLState())) {
				throw ex;
			}
			check.warn("zdm could not count the orphans within the review's time limit: 'orphans: " + operation.orphans()
					+ "' will " + ((operation.orphans() == Orphans.DELETE) ? "delete them" : "set their columns to NULL")
					+ " in the backfill, and log the key of each.");
			return;
		}
		if (report != null) {
			check.warn(report + ": 'orphans: " + operation.orphans() + "' "
					+ ((operation.orphans() == Orphans.DELETE) ? "deletes them"
							: "sets their " + names(operation.columns()) + " to NULL")
					+ " in the backfill (their keys are logged and recorded as rows-removed events; a rollback does not "
					+ "bring them back).");
		}
	}

	private static List<String> missing(TableInfo table, List<Identifier> columns) {
		return columns.stream()
			.filter((column) -> table.column(column.name()).isEmpty())
			.map((column) -> "\"" + column.name() + "\"")
			.toList();
	}

	private static List<ColumnInfo> columns(TableInfo table, List<Identifier> columns) {
		return columns.stream().map((column) -> table.column(column.name()).orElseThrow()).toList();
	}

	private static String names(List<Identifier> columns) {
		return "(" + columns.stream().map(Identifier::name).collect(Collectors.joining(", ")) + ")";
	}

	/**
	 * PostgreSQL decides whether the types can be compared (it refuses {@code text} to {@code bigint}, and
	 * accepts {@code integer} to {@code bigint}): the constraint is added between empty copies of the tables.
	 */
	private static boolean checkTypes(AddForeignKey operation, OperationCheck check, TableInfo table,
			TableInfo referenced) throws SQLException {
		List<String> differing = differingTypes(operation, table, referenced);
		QualifiedName child = OperationCheck.scratch("fk_table");
		QualifiedName parent = table.oid() == referenced.oid() ? child : OperationCheck.scratch("fk_referenced");
		String copies = "CREATE TEMPORARY TABLE " + child.quoted() + " (LIKE " + table.qualifiedName().quoted()
				+ " INCLUDING INDEXES); "
				+ ((parent == child) ? "" : "CREATE TEMPORARY TABLE " + parent.quoted() + " (LIKE "
						+ referenced.qualifiedName().quoted() + " INCLUDING INDEXES); ");
		String add = "ALTER TABLE " + child.quoted() + " ADD CONSTRAINT " + operation.name().quoted() + " FOREIGN KEY "
				+ quotedNames(operation.columns()) + " REFERENCES " + parent.quoted() + " "
				+ quotedNames(operation.referencedColumns()) + " ON DELETE " + operation.onDelete().sql() + " NOT VALID";
		boolean accepted = check.sql(copies + add, (differing.isEmpty() ? "PostgreSQL refuses the foreign key"
				: "the types of the columns do not match (" + String.join("; ", differing) + ")"),
				". Change the referencing column" + ((operation.columns().size() > 1) ? "s" : "") + " to the referenced "
						+ "type first (changeColumnType), then add the foreign key.");
		return accepted;
	}

	private static List<String> differingTypes(AddForeignKey operation, TableInfo table, TableInfo referenced) {
		List<String> differing = new ArrayList<>();
		for (int i = 0; i < operation.columns().size(); i++) {
			Optional<ColumnInfo> from = table.column(operation.columns().get(i).name());
			Optional<ColumnInfo> to = referenced.column(operation.referencedColumns().get(i).name());
			if (from.isPresent() && to.isPresent() && !from.get().type().equals(to.get().type())) {
				differing.add("\"" + from.get().name() + "\" is " + from.get().type() + " and \"" + to.get().name() + "\" is "
						+ to.get().type());
			}
		}
		return differing;
	}

	private static String quotedNames(List<Identifier> columns) {
		return "(" + columns.stream().map(Identifier::quoted).collect(Collectors.joining(", ")) + ")";
	}

	/** A removal needs a key to walk in batches, and must remove nothing beyond the orphans themselves. */
	private static void checkRemovalPolicy(AddForeignKey operation, OperationCheck check, TableInfo table,
			TableInfo referenced) throws SQLException {
		if (table.primaryKey().isEmpty()) {
			check.fail("'orphans: " + operation.orphans() + "' works in keyset batches over the primary key, and table "
					+ table.qualifiedName() + " has none: add a primary key first, or use 'orphans: refuse' and fix the "
					+ "orphans yourself.");
		}
		if (operation.orphans() == Orphans.DELETE) {
			List<String> referencing = check.catalog().referencingForeignKeys(table);
			if (!referencing.isEmpty() || table.oid() == referenced.oid()) {
				check.fail("'orphans: delete' would delete rows of " + table.qualifiedName() + " that other rows reference ("
						+ (referencing.isEmpty() ? "through this very foreign key" : String.join(", ", referencing))
						+ "): their deletes would cascade to rows nobody chose, or fail. Use 'orphans: nullify', or "
						+ "'orphans: refuse' and fix the orphans yourself.");
			}
		}
	}

	/** The orphans' report ({@link #orphansQuery}), or {@code null} when there are none. */
	private static String orphansReport(AddForeignKey operation, OperationCheck check, TableInfo table,
			TableInfo referenced) throws SQLException {
		try (PreparedStatement statement = check.connection().prepareStatement(orphansQuery(operation, table, referenced));
				ResultSet rs = statement.executeQuery()) {
			rs.next();
			return rs.getString(1);
		}
	}

	/**
	 * One text: how many rows reference no row, with the keys and values of the first few; {@code NULL} when
	 * none does.
	 */
	static String orphansQuery(AddForeignKey operation, TableInfo table, TableInfo referenced) {
		String row = "_zdm_row";
		List<String> key = table.primaryKey().isEmpty() ? List.of(row + ".ctid")
				: table.primaryKey().stream().map((column) -> row + "." + Identifier.quote(column.name())).toList();
		String keyNames = table.primaryKey().isEmpty() ? "ctid"
				: table.primaryKey().stream().map(ColumnInfo::name).collect(Collectors.joining(", "));
		String values = operation.columns().stream().map((column) -> row + "." + column.quoted())
			.collect(Collectors.joining(", "));
		return "SELECT CASE WHEN count(*) > 0 THEN format('%s rows of %s reference no row of %s (%s references %s), "
				+ "for example the rows with (%s) = %s', count(*), " + literal(table.qualifiedName().toString()) + ", "
				+ literal(referenced.qualifiedName().toString()) + ", " + literal(names(operation.columns())) + ", "
				+ literal(names(operation.referencedColumns())) + ", " + literal(keyNames) + ", string_agg(_zdm_k || ' "
				+ "holding ' || _zdm_v, ', ' ORDER BY _zdm_i) FILTER (WHERE _zdm_i <= " + ORPHAN_EXAMPLES + ")) END "
				+ "FROM (SELECT ROW(" + String.join(", ", key) + ")::text AS _zdm_k, ROW(" + values + ")::text AS _zdm_v, "
				+ "row_number() OVER (ORDER BY " + String.join(", ", key) + ") AS _zdm_i FROM "
				+ table.qualifiedName().quoted() + " AS " + row + " WHERE "
				+ orphan(operation, referenced.qualifiedName(), row) + ") AS _zdm_o";
	}

	/**
	 * True for a row, its columns prefixed with {@code row}, whose referencing columns are all set and match no
	 * row of the referenced table ({@code MATCH SIMPLE}: a row with a NULL among them is not checked).
	 */
	static String orphan(AddForeignKey operation, QualifiedName referenced, String row) {
		String set = operation.columns().stream().map((column) -> row + "." + column.quoted() + " IS NOT NULL")
			.collect(Collectors.joining(" AND "));
		String match = IntStream.range(0, operation.columns().size())
			.mapToObj((i) -> "_zdm_ref." + operation.referencedColumns().get(i).quoted() + " = " + row + "."
					+ operation.columns().get(i).quoted())
			.collect(Collectors.joining(" AND "));
		return "(" + set + " AND NOT EXISTS (SELECT 1 FROM " + referenced.quoted() + " AS _zdm_ref WHERE " + match + "))";
	}

	/** A statement that fails with the orphans' report when there are any (VALIDATE would name one, or none). */
	static String orphansCheck(AddForeignKey operation, TableInfo table, TableInfo referenced) {
		String body = "DECLARE _zdm_report text; BEGIN " + orphansQuery(operation, table, referenced)
				+ " INTO _zdm_report; IF _zdm_report IS NOT NULL THEN RAISE EXCEPTION USING ERRCODE = "
				+ "'foreign_key_violation', MESSAGE = _zdm_report || '. Delete those rows, point them at existing rows or "
				+ "set their referencing columns to NULL, then advance again; or roll the migration back. Meanwhile the "
				+ "constraint stays NOT VALID, and new writes are checked'; END IF; END ";
		String tag = "$zdm$";
		for (int i = 1; body.contains(tag); i++) {
			tag = "$zdm" + i + "$";
		}
		return "DO " + tag + body + tag;
	}

	private static String literal(String text) {
		return "'" + text.replace("'", "''") + "'";
	}

	/** The index zdm builds: named after the constraint. */
	static Identifier indexName(AddForeignKey operation) {
		return Identifier.of(operation.name().name() + "_idx");
	}

	/** Whether the operation asks for an index and no valid btree index leads with the referencing columns. */
	private static boolean needsIndex(AddForeignKey operation, dev.zdm.core.catalog.CatalogReader catalog,
			TableInfo table) throws SQLException {
		return operation.index() && !indexLeadsWith(catalog, table, operation.columns());
	}

	/** Whether a valid, non-partial btree index of the table leads with {@code columns}, in any order. */
	static boolean indexLeadsWith(dev.zdm.core.catalog.CatalogReader catalog, TableInfo table, List<Identifier> columns)
			throws SQLException {
		Set<String> wanted = columns.stream().map(Identifier::name).collect(Collectors.toSet());
		for (List<String> key : catalog.btreeIndexKeys(table)) {
			if (key.size() >= wanted.size() && new HashSet<>(key.subList(0, wanted.size())).equals(wanted)) {
				return true;
			}
		}
		return false;
	}

	@Override
	public Resolved resolve(AddForeignKey operation, ResolveContext context) throws SQLException {
		TableInfo table = context.table(operation.table());
		TableInfo referenced = context.table(operation.referencedTable());
		QualifiedName qualified = table.qualifiedName();
		String on = context.description();
		String alter = "ALTER TABLE " + qualified.quoted() + " ";
		// Decided once, before expand: afterwards zdm's own index would lead with the columns.
		boolean zdmIndex = context.memo().map((memo) -> memo.equals(WITH_INDEX.encode()))
			.orElse(needsIndex(operation, context.catalog(), table));
		QualifiedName index = new QualifiedName(Identifier.of(table.schema()), indexName(operation));
		Optional<Boolean> validated = context.catalog().constraintValidated(table, operation.name().name());
		List<DdlStep> expand = new ArrayList<>();
		if (zdmIndex && validated.isEmpty()) {
			expand.add(new DdlStep.Concurrently("build index " + index + " on " + qualified + " for " + on,
					"CREATE INDEX CONCURRENTLY IF NOT EXISTS " + index.name().quoted() + " ON " + qualified.quoted() + " "
							+ quotedNames(operation.columns()),
					index));
		}
		if (validated.isEmpty()) {
			expand.add(new DdlStep.InTransaction("add foreign key " + operation.name() + " NOT VALID on " + qualified
					+ " for " + on, List.of(alter + "ADD CONSTRAINT " + operation.name().quoted() + " FOREIGN KEY "
							+ quotedNames(operation.columns()) + " REFERENCES " + referenced.qualifiedName().quoted() + " "
							+ quotedNames(operation.referencedColumns()) + " ON DELETE " + operation.onDelete().sql()
							+ " NOT VALID")));
		}
		Optional<Backfill> backfill = Optional.empty();
		if (operation.orphans() != Orphans.REFUSE) {
			String orphan = orphan(operation, referenced.qualifiedName(), qualified.quoted());
			List<BackfillTarget.Assignment> assignments = (operation.orphans() == Orphans.NULLIFY) ? operation.columns()
				.stream()
				.map((column) -> new BackfillTarget.Assignment(column, "NULL", orphan))
				.toList() : List.of();
			backfill = Optional.of(new Backfill.RowRemoval(new BackfillTarget(qualified, table.primaryKey(), assignments,
					orphan, List.of(), null, "orphans of foreign key " + operation.name() + ", orphans: "
							+ operation.orphans())));
		}
		List<DdlStep> beforeContract = validated.orElse(true) ? List.of()
				: List.of(new DdlStep.Validating("count orphans of " + operation.name() + " on " + qualified + " for " + on,
						orphansCheck(operation, table, referenced)),
						new DdlStep.Validating("validate " + operation.name() + " on " + qualified + " for " + on,
								alter + "VALIDATE CONSTRAINT " + operation.name().quoted()));
		// Only what expand recorded as zdm's may a rollback drop.
		List<String> rollback = context.memo().isPresent()
				? List.of(alter + "DROP CONSTRAINT IF EXISTS " + operation.name().quoted()) : List.of();
		List<DdlStep> rollbackOutside = (context.memo().isPresent() && zdmIndex)
				? List.of(new DdlStep.Concurrently("drop index " + index + " of " + on,
						"DROP INDEX CONCURRENTLY IF EXISTS " + index.quoted(), null))
				: List.of();
		return new Resolved(DdlStep.InTransaction.none("expand " + on), zdmIndex ? WITH_INDEX : CONSTRAINT, backfill,
				List.of(), DdlStep.InTransaction.none("switch " + on), beforeContract,
				DdlStep.InTransaction.none("contract " + on), new DdlStep.InTransaction("rollback " + on, rollback),
				VersionView.unchanged(qualified), Sync.NONE, new Resolved.Outside(expand, List.of(), rollbackOutside));
	}

}

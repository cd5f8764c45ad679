package dev.zdm.core.operation;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.ddl.DdlStep;
import dev.zdm.core.plan.CreateIndex;
import dev.zdm.core.plan.OperationArguments;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;

/**
 * {@code createIndex {table, name, columns | expression, unique?, where?, using?, include?}}: the index is
 * built {@code CREATE [UNIQUE] INDEX CONCURRENTLY} in expand, outside a transaction, after the expand
 * transaction recorded that the name is zdm's (an invalid index of that name, left by a failed build, is
 * dropped and the index rebuilt). Nothing to backfill, switch or contract; a rollback drops the index
 * {@code CONCURRENTLY}. A unique build that fails on duplicates says which values, and leaves no index.
 */
public final class CreateIndexType implements OperationType<CreateIndex> {

	/** The memo of expand: the index's name is zdm's from then on (a rollback drops it). */
	static final Memo BUILT = () -> "index";

	/** How many duplicated values a failed unique build reports. */
	static final int DUPLICATE_EXAMPLES = 5;

	@Override
	public String kind() {
		return "createIndex";
	}

	@Override
	public Class<CreateIndex> operationClass() {
		return CreateIndex.class;
	}

	@Override
	public Set<String> keys() {
		return Set.of("table", "name", "columns", "expression", "unique", "where", "using", "include");
	}

	@Override
	public CreateIndex read(OperationArguments arguments) {
		QualifiedName table = arguments.table("table");
		Identifier name = arguments.identifier("name", true);
		List<Identifier> columns = arguments.identifiers("columns", false);
		String expression = arguments.scalar("expression", false);
		Boolean unique = arguments.bool("unique", false);
		String where = arguments.scalar("where", false);
		Identifier using = arguments.identifier("using", false);
		List<Identifier> include = arguments.identifiers("include", false);
		return arguments
			.build(() -> new CreateIndex(table, name, columns, expression, unique, where, using, include));
	}

	@Override
	public void validate(CreateIndex operation, OperationCheck check) throws SQLException {
		TableInfo table = check.table();
		List<String> missing = new ArrayList<>();
		List<Identifier> named = new ArrayList<>((operation.columns() != null) ? operation.columns() : List.of());
		named.addAll(operation.include());
		for (Identifier column : named) {
			if (table.column(column.name()).isEmpty() && !missing.contains(column.name())) {
				missing.add(column.name());
			}
		}
		if (!missing.isEmpty()) {
			check.fail("table " + table.qualifiedName() + " has no column " + missing.stream()
				.map((column) -> "\"" + column + "\"")
				.collect(Collectors.joining(", ")) + ". Known columns: " + table.columnNames() + ".");
		}
		if (check.beforeExpand()) {
			Optional<String> taken = check.catalog().relationKind(table.schema(), operation.name().name());
			if (taken.isPresent()) {
				check.fail("the name \"" + operation.name() + "\" is taken in schema " + table.schema() + " by "
						+ relation(taken.get()) + " (indexes, tables, views and sequences share one namespace): "
						+ "choose another 'name' for the index.");
			}
		}
		if (!missing.isEmpty()) {
			return;
		}
		// Built on an empty copy of the table, PostgreSQL checks the index as it will build it: types,
		// operator classes of the access method, IMMUTABLE functions only, a boolean predicate, UNIQUE support.
		QualifiedName copy = OperationCheck.scratch("index_table");
		check.sql("CREATE TEMPORARY TABLE " + copy.quoted() + " (LIKE " + table.qualifiedName().quoted() + "); "
				+ definition(operation, copy, Identifier.of("_zdm_check_index"), false),
				"PostgreSQL refuses the index", ". Refer to the row's columns by their bare names; an index's "
						+ "'expression' and 'where' may call IMMUTABLE functions only, and 'using' must be an access method "
						+ "that supports the index (btree, hash, gist, gin, brin, spgist; UNIQUE and 'include' need btree).");
	}

	private static String relation(String kind) {
		return switch (kind) {
			case "r", "p" -> "a table";
			case "i", "I" -> "an index";
			case "v" -> "a view";
			case "m" -> "a materialized view";
			case "S" -> "a sequence";
			case "f" -> "a foreign table";
			default -> "a relation";
		};
	}

	/**
	 * The index's {@code CREATE INDEX} on {@code table} under {@code name}; {@code concurrently} builds it
	 * {@code CONCURRENTLY IF NOT EXISTS} (an invalid index of that name is dropped before, so a valid one
	 * found is the build of an earlier, interrupted run).
	 */
	static String definition(CreateIndex operation, QualifiedName table, Identifier name, boolean concurrently) {
		return "CREATE " + (operation.unique() ? "UNIQUE " : "") + "INDEX "
				+ (concurrently ? "CONCURRENTLY IF NOT EXISTS " : "") + name.quoted() + " ON " + table.quoted()
				+ ((operation.using() != null) ? " USING " + operation.using().quoted() : "") + " (" + keys(operation) + ")"
				+ (operation.include().isEmpty() ? ""
						: " INCLUDE (" + operation.include().stream().map(Identifier::quoted).collect(Collectors.joining(", ")) + ")")
				+ ((operation.where() != null) ? " WHERE (" + operation.where() + ")" : "");
	}

	private static String keys(CreateIndex operation) {
		return (operation.columns() != null)
				? operation.columns().stream().map(Identifier::quoted).collect(Collectors.joining(", "))
				: "(" + operation.expression() + ")";
	}

	/**
	 * A query that says which values failed a unique build: how many values are held by more than one row
	 * (rows with a NULL key never conflict), and the first few, most repeated first; {@code NULL} if none.
	 */
	static String duplicatesReport(CreateIndex operation, TableInfo table) {
		List<String> keys = (operation.columns() != null)
				? operation.columns().stream().map(Identifier::quoted).toList()
				: List.of("(" + operation.expression() + ")");
		String shown = (operation.columns() != null)
				? operation.columns().stream().map(Identifier::name).collect(Collectors.joining(", "))
				: operation.expression();
		String notNull = keys.stream().map((key) -> key + " IS NOT NULL").collect(Collectors.joining(" AND "));
		String where = (operation.where() != null) ? "(" + operation.where() + ") AND " : "";
		return "SELECT CASE WHEN count(*) > 0 THEN format('%s values of (%s) are held by more than one row (%s rows), "
				+ "for example %s. Remove the duplicates (or drop ''unique''), then advance again; or roll the migration "
				+ "back', count(*), " + literal(shown) + ", sum(_zdm_n), string_agg(_zdm_k || ' in ' || _zdm_n || ' rows', "
				+ "'; ' ORDER BY _zdm_i) FILTER (WHERE _zdm_i <= " + DUPLICATE_EXAMPLES + ")) END "
				+ "FROM (SELECT _zdm_k, _zdm_n, row_number() OVER (ORDER BY _zdm_n DESC, _zdm_k) AS _zdm_i FROM (SELECT "
				+ "ROW(" + String.join(", ", keys) + ")::text AS _zdm_k, count(*) AS _zdm_n FROM "
				+ table.qualifiedName().quoted() + " WHERE " + where + notNull + " GROUP BY " + String.join(", ", keys)
				+ " HAVING count(*) > 1) AS _zdm_d) AS _zdm_d";
	}

	private static String literal(String text) {
		return "'" + text.replace("'", "''") + "'";
	}

	@Override
	public Resolved resolve(CreateIndex operation, ResolveContext context) throws SQLException {
		TableInfo table = context.table(operation.table());
		QualifiedName qualified = table.qualifiedName();
		QualifiedName index = new QualifiedName(Identifier.of(table.schema()), operation.name());
		String on = context.description();
		DdlStep build = new DdlStep.Concurrently("build index " + index + " on " + qualified + " for " + on,
				definition(operation, qualified, operation.name(), true), index,
				operation.unique() ? duplicatesReport(operation, table) : null);
		// Only once expand recorded the name as zdm's may a rollback drop the index.
		List<DdlStep> rollback = context.memo().isPresent()
				? List.of(new DdlStep.Concurrently("drop index " + index + " of " + on,
						"DROP INDEX CONCURRENTLY IF EXISTS " + index.quoted(), null))
				: List.of();
		return new Resolved(DdlStep.InTransaction.none("expand " + on), BUILT, Optional.empty(), List.of(),
				DdlStep.InTransaction.none("switch " + on), List.of(), DdlStep.InTransaction.none("contract " + on),
				DdlStep.InTransaction.none("rollback " + on), new VersionView(qualified, Set.of(), Map.of()), Sync.NONE,
				new Resolved.Outside(List.of(build), List.of(), rollback));
	}

}

package dev.zdm.core.operation;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.zdm.core.catalog.ColumnInfo;
import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.plan.ChangeColumnType;
import dev.zdm.core.plan.OperationArguments;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code changeColumnType {table, column, type, up, down, rename?, default?}}: a {@link ColumnCopy} into a
 * column of the new type, converted by {@code up} and {@code down}; without {@code rename} the new column
 * lives under a temporary name until contract gives it the old one.
 */
public final class ChangeColumnTypeType implements OperationType<ChangeColumnType> {

	private static final Logger logger = LoggerFactory.getLogger(ChangeColumnTypeType.class);

	/** How many rows, the first by primary key, are read to find values that 'up' then 'down' change. */
	static final int ROUND_TRIP_SAMPLE = 10_000;

	@Override
	public String kind() {
		return "changeColumnType";
	}

	@Override
	public Class<ChangeColumnType> operationClass() {
		return ChangeColumnType.class;
	}

	@Override
	public Set<String> keys() {
		return Set.of("table", "column", "type", "up", "down", "rename", "default");
	}

	@Override
	public ChangeColumnType read(OperationArguments arguments) {
		QualifiedName table = arguments.table("table");
		Identifier column = arguments.identifier("column", true);
		Identifier rename = arguments.identifier("rename", false);
		String type = arguments.scalar("type", true);
		String up = arguments.scalar("up", true);
		String down = arguments.scalar("down", true);
		String defaultExpression = arguments.scalar("default", false);
		return arguments.build(() -> new ChangeColumnType(table, column, type, up, down, rename, defaultExpression));
	}

	/**
	 * The copy; its temporary column name may not fit PostgreSQL's limit.
	 * @throws IllegalArgumentException if it does not
	 */
	private static ColumnCopy.Spec spec(ChangeColumnType operation) {
		Identifier newColumn = (operation.rename() != null) ? operation.rename()
				: ColumnCopy.temporaryName(operation.column());
		return new ColumnCopy.Spec(operation.table(), operation.column(), newColumn, operation.finalName(),
				new ColumnCopy.Conversion(operation.type(), operation.up(), operation.down(),
						operation.defaultExpression()));
	}

	@Override
	public void validate(ChangeColumnType operation, OperationCheck check) throws SQLException {
		ColumnCopy.Spec spec;
		try {
			spec = spec(operation);
		}
		catch (IllegalArgumentException ex) {
			check.fail("the temporary column name \"" + operation.column() + ColumnCopy.TEMPORARY_SUFFIX + "\" is longer "
					+ "than PostgreSQL's " + Identifier.MAX_BYTES + "-byte limit: give the column a final name with "
					+ "'rename' (or shorten the column's name first).");
			return;
		}
		Optional<ColumnInfo> old = ColumnCopy.validate(spec, check);
		if (old.isPresent()) {
			validateConversion(check.table(), old.get(), operation, check);
		}
	}

	private static void validateConversion(TableInfo table, ColumnInfo old, ChangeColumnType change,
			OperationCheck check) throws SQLException {
		if (!check.explain("SELECT CAST(NULL AS " + change.type() + ")", "'type' " + change.type()
				+ " is not a type PostgreSQL knows")) {
			return;
		}
		check.checkNotConstrainedDomain(change.type(), null);
		// Both expressions are checked in the scope the trigger gives them (the row alone, as a subquery, so
		// that the table's name is not in scope) and in a WHERE clause, as the backfill and its verification
		// use 'up', where PostgreSQL refuses aggregate, window and set-returning functions.
		String row = "(SELECT * FROM " + table.qualifiedName().quoted() + ") AS _zdm_row";
		check.checkExpression("'up'", "SELECT 1 AS _zdm FROM " + row + " WHERE CAST((" + change.up() + ") AS "
				+ change.type() + ") IS NOT NULL", "'up' does not give a " + change.type() + " from the old row (columns: "
						+ table.columnNames() + ")");
		// The new column under its final name shadows the row's columns.
		check.checkExpression("'down'", "SELECT 1 AS _zdm FROM " + row + " WHERE EXISTS (SELECT 1 FROM (SELECT CAST(NULL AS "
				+ change.type() + ") AS " + change.finalName().quoted() + ") AS _zdm_new WHERE CAST((" + change.down()
				+ ") AS " + old.type() + ") IS NOT NULL)", "'down' does not give a " + old.type()
						+ " (the old type) from the new row, where the new column is \"" + change.finalName() + "\"");
		if (change.defaultExpression() != null) {
			// Contract sets it with SET DEFAULT, which allows less than a SELECT does (no subquery, column or
			// aggregate): PostgreSQL checks a column default the same way when a table is created.
			check.sql("CREATE TEMPORARY TABLE " + OperationCheck.scratch("default").quoted() + " (v " + change.type()
					+ " DEFAULT (" + change.defaultExpression() + "))", "'default' cannot be the default of a "
							+ change.type() + " column (contract sets it with ALTER COLUMN ... SET DEFAULT)",
					". A default is a constant, or an expression of constants and functions: give one that is.");
		}
		else if (old.defaultExpression() != null) {
			check.fail("column \"" + old.name() + "\" has the default " + old.defaultExpression()
					+ ", which cannot be carried across a type change: give the new column's default with 'default'.");
		}
	}

	/**
	 * Warns about 'up'/'down' pairs that do not give back the old value: after switch the old column is
	 * written from 'down', so old code and a rollback would see the changed value. Reads a sample of rows;
	 * never refuses the plan.
	 */
	@Override
	public void review(ChangeColumnType change, OperationCheck check) throws SQLException {
		TableInfo table = check.table();
		Optional<ColumnInfo> found = table.column(change.column().name());
		if (found.isEmpty() || table.primaryKey().isEmpty()) {
			return;
		}
		ColumnInfo old = found.get();
		List<ColumnInfo> key = table.primaryKey();
		String column = "_zdm_row." + Identifier.quote(old.name());
		String keys = IntStream.range(0, key.size())
			.mapToObj((i) -> "_zdm_row." + Identifier.quote(key.get(i).name()) + "::text AS _zdm_k" + i)
			.collect(Collectors.joining(", "));
		String order = key.stream().map((part) -> Identifier.quote(part.name())).collect(Collectors.joining(", "));
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
		Savepoint savepoint = check.connection().setSavepoint();
		try (Statement statement = check.connection().createStatement(); ResultSet rs = statement.executeQuery(sql)) {
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
				check.warn("'up' then 'down' does not give back the old value of \"" + old.name() + "\" for " + lost
						+ " of the first " + total + " rows (by primary key); for example, at " + String.join(", ", example) + ", " + before
						+ " comes back as " + after + ". After switch the old column is written from 'down' on every "
						+ "write to a row, so old code and a rollback would see " + after + ". Go ahead if that is meant; "
						+ "otherwise make 'down' the inverse of 'up'.");
			}
			check.connection().releaseSavepoint(savepoint);
		}
		catch (SQLException ex) {
			check.connection().rollback(savepoint);
			String state = (ex.getSQLState() != null) ? ex.getSQLState() : "";
			if (state.startsWith("22") || state.startsWith("23") || state.startsWith("P0") || state.startsWith("38")
					|| state.startsWith("39")) {
				check.warn("'up' or 'down' fails on some of the first " + ROUND_TRIP_SAMPLE + " rows (by primary key): "
						+ OperationCheck.firstLine(ex.getMessage()) + ". The backfill (or, after switch, writes) would fail "
						+ "the same way on such rows: fix the expressions or the data.");
			}
			else {
				logger.info("Plan {}: could not compare 'down' of 'up' with the old values of {}.{} ({}); not checked",
						check.plan().id(), table.qualifiedName(), old.name(), OperationCheck.firstLine(ex.getMessage()));
			}
		}
	}

	private static String text(ResultSet rs, int column) throws SQLException {
		String value = rs.getString(column);
		return (value != null) ? value : "NULL";
	}

	@Override
	public Resolved resolve(ChangeColumnType operation, ResolveContext context) throws SQLException {
		return ColumnCopy.resolve(spec(operation), context);
	}

}

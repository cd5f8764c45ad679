package dev.zdm.core.backfill;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.zdm.core.catalog.ColumnInfo;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.transform.RowTransform;
import org.postgresql.util.PGobject;

/**
 * One batch of a backfill computed by a {@link RowTransform}, and one batch of its verification. A batch
 * reads its rows {@code FOR UPDATE} in key order after the cursor, computes their new values in Java, and
 * writes them back in one {@code UPDATE ... FROM unnest(...)} in the same transaction: a concurrent write
 * waits for the batch, or the batch reads what it wrote; memory holds one batch. Values travel as text and
 * PostgreSQL casts them to the columns' types, so a row already holding the computed values is not written
 * again.
 */
final class TransformBatch {

	/** SQLSTATE of a transform that threw or gave no value for a column (a data exception). */
	static final String TRANSFORM_FAILED = "22000";

	private final TransformTarget.Pass pass;

	/** Whether the batch computes the old columns from the new ({@link RowTransform#down}). */
	private final boolean down;

	/** The columns read (the transform's input), by name. */
	private final List<String> readColumns;

	/** The columns written (the transform's output). */
	private final List<TransformTarget.Written> writtenColumns;

	/** Locks and reads the rows of arrays of keys (one array per key column), in key order. */
	private final String lockKeys;

	/** Locks and reads the row of one key (single-column keys only, else null). */
	private final String lockKey;

	/** Writes the computed values of one row, if they differ (single-column keys only, else null). */
	private final String writeKey;

	/**
	 * Writes the computed values of one row and returns the columns they were computed from as the row holds
	 * them (single-column keys only, else null).
	 */
	private final String writeKeyReturning;

	/** Writes the computed values of several rows, those that differ, from arrays. */
	private final String writeBack;

	TransformBatch(TransformTarget.Pass pass) {
		this(pass, false);
	}

	/**
	 * A batch computing the new columns from the old ({@code down == false}, what the backfill does) or the
	 * old from the new ({@code down == true}, what application-side sync does after switch).
	 */
	TransformBatch(TransformTarget.Pass pass, boolean down) {
		this.pass = pass;
		this.down = down;
		TransformTarget target = pass.target();
		if (down) {
			this.readColumns = target.written().stream().map((column) -> column.column().name()).toList();
			this.writtenColumns = target.read().stream()
				.map((column) -> new TransformTarget.Written(Identifier.of(column.name()), column.type()))
				.toList();
		}
		else {
			this.readColumns = target.read().stream().map(ColumnInfo::name).toList();
			this.writtenColumns = target.written();
		}
		// Built once: the application-side sync runs these on every write.
		List<ColumnInfo> key = key();
		String keys = key.stream().map(TransformBatch::quoted).collect(Collectors.joining(", "));
		String select = "SELECT " + IntStream.range(0, key.size())
			.mapToObj((i) -> quoted(key.get(i)) + "::text AS _zdm_k" + (i + 1))
			.collect(Collectors.joining(", ")) + ", "
				+ this.readColumns.stream().map(Identifier::quote).collect(Collectors.joining(", ")) + " FROM " + table();
		// Ordered, so that two writers locking overlapping rows take the locks in the same order.
		if (key.size() == 1) {
			String k = quoted(key.get(0));
			this.lockKeys = select + " WHERE " + k + " = ANY (CAST(? AS " + key.get(0).type() + "[])) ORDER BY " + k
					+ " FOR UPDATE";
			this.lockKey = select + " WHERE " + k + " = CAST(? AS " + key.get(0).type() + ") FOR UPDATE";
			String set = IntStream.range(0, written().size())
				.mapToObj((i) -> written().get(i).column().quoted() + " = CAST(? AS " + written().get(i).type() + ")")
				.collect(Collectors.joining(", "));
			String differs = IntStream.range(0, written().size())
				.mapToObj((i) -> written().get(i).column().quoted() + " IS DISTINCT FROM CAST(? AS "
						+ written().get(i).type() + ")")
				.collect(Collectors.joining(" OR "));
			this.writeKey = "UPDATE " + table() + " SET " + set + " WHERE " + k + " = CAST(? AS " + key.get(0).type()
					+ ") AND (" + differs + ")";
			this.writeKeyReturning = "UPDATE " + table() + " SET " + set + " WHERE " + k + " = CAST(? AS "
					+ key.get(0).type() + ") RETURNING "
					+ this.readColumns.stream().map(Identifier::quote).collect(Collectors.joining(", "));
		}
		else {
			String typed = IntStream.range(0, key.size())
				.mapToObj((i) -> "CAST(_zdm_u._zdm_k" + (i + 1) + " AS " + key.get(i).type() + ")")
				.collect(Collectors.joining(", "));
			String arrays = IntStream.range(0, key.size()).mapToObj((i) -> "CAST(? AS text[])")
				.collect(Collectors.joining(", "));
			String names = IntStream.rangeClosed(1, key.size()).mapToObj((i) -> "_zdm_k" + i)
				.collect(Collectors.joining(", "));
			this.lockKeys = select + " WHERE (" + keys + ") IN (SELECT " + typed + " FROM unnest(" + arrays
					+ ") AS _zdm_u(" + names + ")) ORDER BY " + keys + " FOR UPDATE";
			this.lockKey = null;
			this.writeKey = null;
			this.writeKeyReturning = null;
		}
		this.writeBack = "UPDATE " + table() + " AS _zdm_t SET " + IntStream.range(0, written().size())
			.mapToObj((i) -> written().get(i).column().quoted() + " = " + value(i))
			.collect(Collectors.joining(", ")) + " FROM " + unnest() + " WHERE " + keyMatch() + " AND (" + differs() + ")";
	}

	/**
	 * Locks the rows of {@code keys} ({@code FOR UPDATE}), computes them and writes back those that differ,
	 * in one statement, in the caller's transaction: the application-side sync of the rows a write touched.
	 * Keys of rows that do not exist are ignored.
	 * @param keys the rows' keys, each with one value per key column (in the key's order), in PostgreSQL's
	 * text form
	 */
	Result sync(Connection connection, List<String[]> keys) throws SQLException {
		List<ColumnInfo> key = key();
		for (String[] one : keys) {
			if (one.length != key.size()) {
				throw new SQLException("a key of " + one.length + " value" + ((one.length == 1) ? "" : "s") + " ("
						+ String.join(", ", one) + ") was given for table " + tableName() + ", whose primary key has "
						+ key.size() + " column" + ((key.size() == 1) ? "" : "s") + " ("
						+ key.stream().map(ColumnInfo::name).collect(Collectors.joining(", ")) + "): give one value per key "
						+ "column, in that order", "22023");
			}
		}
		if (keys.size() == 1 && this.lockKey != null) {
			return syncOne(connection, keys.get(0)[0]);
		}
		List<Row> rows = new ArrayList<>();
		try (PreparedStatement statement = connection.prepareStatement(this.lockKeys)) {
			for (int k = 0; k < key.size(); k++) {
				String[] column = new String[keys.size()];
				for (int r = 0; r < keys.size(); r++) {
					column[r] = keys.get(r)[k];
				}
				statement.setArray(k + 1, connection.createArrayOf("text", column));
			}
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					rows.add(row(rs, key.size()));
				}
			}
		}
		if (rows.isEmpty()) {
			return new Result(0, 0, null);
		}
		return writeBack(connection, rows);
	}

	/**
	 * The sync of one row (a single-row save, the most common write): statements by {@code =}, without arrays
	 * and {@code unnest}, which cost PostgreSQL more to plan than the row costs to write.
	 */
	private Result syncOne(Connection connection, String key) throws SQLException {
		Row row = null;
		try (PreparedStatement statement = connection.prepareStatement(this.lockKey)) {
			statement.setString(1, key);
			try (ResultSet rs = statement.executeQuery()) {
				if (rs.next()) {
					row = row(rs, 1);
				}
			}
		}
		if (row == null) {
			return new Result(0, 0, null);
		}
		return writeOne(connection, row, compute(List.of(row)).get(0));
	}

	/** Writes the computed {@code values} of {@code row}, if they differ from what it holds. */
	private Result writeOne(Connection connection, Row row, Map<String, Object> values) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(this.writeKey)) {
			int columns = written().size();
			for (int i = 0; i < columns; i++) {
				String text = text(values.get(written().get(i).column().name()));
				statement.setString(1 + i, text);
				statement.setString(2 + columns + i, text);
			}
			statement.setString(1 + columns, row.key()[0]);
			return new Result(1, statement.executeUpdate(), row.key());
		}
		catch (SQLException ex) {
			throw uncastable(ex, List.of(row));
		}
	}

	/**
	 * The Java classes a value may have for {@link #syncWritten} to compute from it: those the driver reads
	 * for PostgreSQL's common types, and whose {@code equals} compares what they hold.
	 */
	private static final Set<Class<?>> KNOWN_VALUES = Set.of(String.class, Integer.class, Long.class, Boolean.class,
			UUID.class, BigDecimal.class, Double.class, Float.class);

	/**
	 * The sync of one row whose columns the caller has just written with {@code written} (its values by column
	 * name, as the application gave them), in one statement instead of two: computes from those values,
	 * writes, and has the same statement return the columns computed from as the row holds them. When they
	 * are the values computed from (equal Java values), that is the result the sync computing from the locked
	 * row would have had; when not (PostgreSQL stored another form, a trigger changed a value), it computes
	 * again from what the row holds and writes again, in the same transaction, so the row ends as
	 * {@link #sync} would leave it. Falls back to {@link #sync} when {@code written} lacks a column the
	 * transform reads, holds a value of a class not in {@link #KNOWN_VALUES}, or the transform fails on it.
	 * @param key the row's primary key, one value per key column, in PostgreSQL's text form
	 */
	Result syncWritten(Connection connection, String[] key, Map<String, Object> written) throws SQLException {
		Map<String, Object> given = (this.writeKeyReturning != null && key.length == 1) ? known(written) : null;
		if (given == null) {
			return sync(connection, List.<String[]>of(key));
		}
		Row assumed = new Row(key, given);
		Map<String, Object> values;
		try {
			values = compute(List.of(assumed)).get(0);
		}
		catch (SQLException ex) {
			// Computed from what the row holds, it may succeed, or fail with the row's own values.
			return syncOne(connection, key[0]);
		}
		Row stored = null;
		try (PreparedStatement statement = connection.prepareStatement(this.writeKeyReturning)) {
			int columns = written().size();
			for (int i = 0; i < columns; i++) {
				statement.setString(1 + i, text(values.get(written().get(i).column().name())));
			}
			statement.setString(1 + columns, key[0]);
			try (ResultSet rs = statement.executeQuery()) {
				if (rs.next()) {
					Map<String, Object> held = new LinkedHashMap<>();
					for (int i = 0; i < this.readColumns.size(); i++) {
						held.put(this.readColumns.get(i), rs.getObject(i + 1));
					}
					stored = new Row(key, held);
				}
			}
		}
		catch (SQLException ex) {
			throw uncastable(ex, List.of(assumed));
		}
		if (stored == null) {
			return new Result(0, 0, null);
		}
		if (stored.old().equals(given)) {
			return new Result(1, 1, key);
		}
		return writeOne(connection, stored, compute(List.of(stored)).get(0));
	}

	/** The columns the transform reads, from {@code written}, or null when one is missing or of another class. */
	private Map<String, Object> known(Map<String, Object> written) {
		if (written == null) {
			return null;
		}
		Map<String, Object> given = new LinkedHashMap<>();
		for (String column : this.readColumns) {
			Object value = written.get(column);
			if ((value == null && !written.containsKey(column))
					|| (value != null && !KNOWN_VALUES.contains(value.getClass()))) {
				return null;
			}
			given.put(column, value);
		}
		return given;
	}

	/**
	 * What a batch did.
	 *
	 * @param read the rows read
	 * @param updated the rows written
	 * @param last the last key read, or {@code null} when the batch read no row
	 */
	record Result(int read, int updated, String[] last) {
	}

	/**
	 * Reads up to {@code size} rows after {@code cursor} (up to {@code upper}, inclusive), computes them and
	 * writes them back, in the caller's transaction.
	 */
	Result write(Connection connection, String[] cursor, String[] upper, int size) throws SQLException {
		List<Row> rows = read(connection, cursor, upper, size, " FOR UPDATE");
		if (rows.isEmpty()) {
			return new Result(0, 0, null);
		}
		return writeBack(connection, rows);
	}

	/** Computes {@code rows} (read and locked) and writes back those whose values differ, in one statement. */
	private Result writeBack(Connection connection, List<Row> rows) throws SQLException {
		List<Map<String, Object>> values = compute(rows);
		try (PreparedStatement statement = connection.prepareStatement(this.writeBack)) {
			bindColumns(connection, statement, rows, values);
			int updated = statement.executeUpdate();
			return new Result(rows.size(), updated, rows.get(rows.size() - 1).key());
		}
		catch (SQLException ex) {
			throw uncastable(ex, rows);
		}
	}

	/**
	 * A value the transform gave that PostgreSQL cannot read as its column's type fails the whole statement;
	 * its message names the value, this one the keys of the batch.
	 */
	private SQLException uncastable(SQLException ex, List<Row> rows) {
		String state = (ex.getSQLState() != null) ? ex.getSQLState() : "";
		if (!state.startsWith("22")) {
			return ex;
		}
		return new SQLException("transform '" + transformName() + "' gave a value that PostgreSQL cannot store in its "
				+ "column, for one of the rows of " + tableName() + " with keys from " + describe(rows.get(0)) + " to "
				+ describe(rows.get(rows.size() - 1)) + ": " + ex.getMessage().lines().findFirst().orElse("")
				+ ". Give each value as its Java type or in PostgreSQL's text form for the column's type", state, ex);
	}

	/**
	 * Verifies up to {@code size} rows after {@code cursor}: computes their values in Java and counts those
	 * whose columns differ, in the caller's transaction (which should be {@code REPEATABLE READ}, so that the
	 * rows read and the rows compared are the same). Keeps the keys of the first {@code examples} differing rows.
	 */
	Result verify(Connection connection, String[] cursor, int size, List<String> found, int examples)
			throws SQLException {
		List<Row> rows = read(connection, cursor, null, size, "");
		if (rows.isEmpty()) {
			return new Result(0, 0, null);
		}
		List<Map<String, Object>> values = compute(rows);
		String keys = IntStream.rangeClosed(1, key().size()).mapToObj((i) -> "_zdm_v._zdm_k" + i)
			.collect(Collectors.joining(", "));
		String order = key().stream().map((column) -> "_zdm_t." + quoted(column)).collect(Collectors.joining(", "));
		String sql = "SELECT ROW(" + keys + ")::text FROM " + table() + " AS _zdm_t JOIN " + unnest() + " ON "
				+ keyMatch() + " WHERE " + differs() + " ORDER BY " + order;
		int differing = 0;
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			bindColumns(connection, statement, rows, values);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					differing++;
					if (found.size() < examples) {
						found.add(rs.getString(1));
					}
				}
			}
		}
		catch (SQLException ex) {
			throw uncastable(ex, rows);
		}
		return new Result(rows.size(), differing, rows.get(rows.size() - 1).key());
	}

	private record Row(String[] key, Map<String, Object> old) {
	}

	private List<Row> read(Connection connection, String[] cursor, String[] upper, int size, String lock)
			throws SQLException {
		List<ColumnInfo> key = key();
		String keys = key.stream().map(TransformBatch::quoted).collect(Collectors.joining(", "));
		// Aliased: an output column named like a key column would take its place in ORDER BY, sorting keys as text.
		String select = IntStream.range(0, key.size())
			.mapToObj((i) -> quoted(key.get(i)) + "::text AS _zdm_k" + (i + 1))
			.collect(Collectors.joining(", "))
				+ ", " + this.readColumns.stream().map(Identifier::quote).collect(Collectors.joining(", "));
		List<String> where = new ArrayList<>();
		if (cursor != null) {
			where.add("(" + keys + ") > (" + typedKey() + ")");
		}
		if (upper != null) {
			where.add("(" + keys + ") <= (" + typedKey() + ")");
		}
		List<Row> rows = new ArrayList<>();
		try (PreparedStatement statement = connection.prepareStatement("SELECT " + select + " FROM " + table()
				+ (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where)) + " ORDER BY " + keys + " LIMIT ?"
				+ lock)) {
			int next = 1;
			for (String[] bound : new String[][] { cursor, upper }) {
				if (bound != null) {
					for (String part : bound) {
						statement.setString(next++, part);
					}
				}
			}
			statement.setInt(next, size);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					rows.add(row(rs, key.size()));
				}
			}
		}
		return rows;
	}

	private Row row(ResultSet rs, int keyColumns) throws SQLException {
		String[] rowKey = new String[keyColumns];
		for (int i = 0; i < rowKey.length; i++) {
			rowKey[i] = rs.getString(i + 1);
		}
		Map<String, Object> input = new LinkedHashMap<>();
		for (int i = 0; i < this.readColumns.size(); i++) {
			input.put(this.readColumns.get(i), rs.getObject(keyColumns + i + 1));
		}
		return new Row(rowKey, input);
	}

	/** The new values of each row, in order; a transform that throws or leaves a column out names the row. */
	private List<Map<String, Object>> compute(List<Row> rows) throws SQLException {
		RowTransform transform = this.pass.transform();
		List<Map<String, Object>> values = new ArrayList<>(rows.size());
		for (Row row : rows) {
			Map<String, Object> computed;
			try {
				computed = this.down ? transform.down(Collections.unmodifiableMap(row.old()))
						: transform.up(Collections.unmodifiableMap(row.old()));
			}
			catch (RuntimeException ex) {
				throw new SQLException("transform '" + transformName() + "' failed" + (this.down ? " (down)" : "")
						+ " on the row of " + tableName()
						+ " with key " + describe(row) + ": " + ex, TRANSFORM_FAILED, ex);
			}
			if (computed == null) {
				throw new SQLException("transform '" + transformName() + "' gave no values for the row of " + tableName()
						+ " with key " + describe(row) + ": return a value (or null) for every column of '" + (this.down ? "from" : "to") + "'",
						TRANSFORM_FAILED);
			}
			for (TransformTarget.Written column : written()) {
				if (!computed.containsKey(column.column().name())) {
					throw new SQLException("transform '" + transformName() + "' gave no value for column \""
							+ column.column().name() + "\" for the row of " + tableName() + " with key " + describe(row)
							+ " (it gave " + computed.keySet() + "): return a value (or null) for every column of '" + (this.down ? "from" : "to") + "'",
							TRANSFORM_FAILED);
				}
			}
			values.add(computed);
		}
		return values;
	}

	private String describe(Row row) {
		List<ColumnInfo> key = key();
		return IntStream.range(0, key.size()).mapToObj((i) -> key.get(i).name() + "=" + row.key()[i])
			.collect(Collectors.joining(", ", "(", ")"));
	}

	/** One text array per key column, then one per written column, as a relation {@code _zdm_v}. */
	private String unnest() {
		String arrays = IntStream.range(0, key().size() + written().size()).mapToObj((i) -> "CAST(? AS text[])")
			.collect(Collectors.joining(", "));
		String names = IntStream.rangeClosed(1, key().size()).mapToObj((i) -> "_zdm_k" + i)
			.collect(Collectors.joining(", ")) + ", "
				+ IntStream.rangeClosed(1, written().size()).mapToObj((i) -> "_zdm_c" + i).collect(Collectors.joining(", "));
		return "unnest(" + arrays + ") AS _zdm_v(" + names + ")";
	}

	private String keyMatch() {
		List<ColumnInfo> key = key();
		return IntStream.range(0, key.size())
			.mapToObj((i) -> "_zdm_t." + quoted(key.get(i)) + " = CAST(_zdm_v._zdm_k" + (i + 1) + " AS "
					+ key.get(i).type() + ")")
			.collect(Collectors.joining(" AND "));
	}

	private String value(int index) {
		return "CAST(_zdm_v._zdm_c" + (index + 1) + " AS " + written().get(index).type() + ")";
	}

	private String differs() {
		return IntStream.range(0, written().size())
			.mapToObj((i) -> "_zdm_t." + written().get(i).column().quoted() + " IS DISTINCT FROM " + value(i))
			.collect(Collectors.joining(" OR "));
	}

	private void bindColumns(Connection connection, PreparedStatement statement, List<Row> rows,
			List<Map<String, Object>> values) throws SQLException {
		int parameter = 1;
		for (int k = 0; k < key().size(); k++) {
			String[] column = new String[rows.size()];
			for (int r = 0; r < rows.size(); r++) {
				column[r] = rows.get(r).key()[k];
			}
			statement.setArray(parameter++, connection.createArrayOf("text", column));
		}
		for (TransformTarget.Written written : written()) {
			String[] column = new String[rows.size()];
			for (int r = 0; r < rows.size(); r++) {
				column[r] = text(values.get(r).get(written.column().name()));
			}
			statement.setArray(parameter++, connection.createArrayOf("text", column));
		}
	}

	/** A Java value in the text form PostgreSQL reads back as the column's type. */
	static String text(Object value) {
		if (value == null) {
			return null;
		}
		if (value instanceof byte[] bytes) {
			return "\\x" + HexFormat.of().formatHex(bytes);
		}
		if (value instanceof PGobject object) {
			return object.getValue();
		}
		if (value instanceof Array array) {
			try {
				return array.toString();
			}
			catch (RuntimeException ex) {
				return String.valueOf(value);
			}
		}
		return value.toString();
	}

	private String transformName() {
		return this.pass.target().transformName();
	}

	private String table() {
		return this.pass.target().target().table().quoted();
	}

	private String tableName() {
		return this.pass.target().target().table().toString();
	}

	private List<ColumnInfo> key() {
		return this.pass.target().target().key();
	}

	private List<TransformTarget.Written> written() {
		return this.writtenColumns;
	}

	private String typedKey() {
		return key().stream().map((column) -> "CAST(? AS " + column.type() + ")").collect(Collectors.joining(", "));
	}

	private static String quoted(ColumnInfo column) {
		return Identifier.of(column.name()).quoted();
	}

}

package dev.zdm.core.plan;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.core.sql.SqlFragment;

/**
 * Turns some columns of a table into others (split a name, merge columns, encrypt a column into a new one),
 * with the phases of {@link ChangeColumnType}: expand adds the new columns, backfill computes them for
 * existing rows, switch makes the new shape authoritative, contract drops the old columns. The values come
 * either from SQL ({@code up}, one expression per new column over the old row; {@code down}, one per old
 * column over the new row), kept in step by sync triggers, or from a Java transform named by
 * {@code transform}, for which the application keeps both shapes in step.
 *
 * @param table the table
 * @param from the columns replaced
 * @param to the columns replacing them
 * @param transform the name of the Java transform, or {@code null} with {@code up}/{@code down}
 * @param up per new column, SQL over the old row giving its value, or {@code null} with a transform
 * @param down per old column, SQL over the new row giving its value, or {@code null} with a transform
 */
public record ReplaceColumns(QualifiedName table, List<Identifier> from, List<NewColumn> to, String transform,
		List<String> up, List<String> down) implements Operation {

	/**
	 * One column that replaces the old ones.
	 *
	 * @param name its name (not a column of the table yet)
	 * @param type its SQL type
	 * @param notNull whether it becomes {@code NOT NULL} (from switch on, checked on every write)
	 * @param defaultExpression its default, set at contract, or {@code null}
	 */
	public record NewColumn(Identifier name, String type, boolean notNull, String defaultExpression) {

		public NewColumn {
			Objects.requireNonNull(name, "name");
			requireExpression("type", type);
			if (defaultExpression != null) {
				requireExpression("default", defaultExpression);
			}
		}

	}

	public ReplaceColumns {
		Objects.requireNonNull(table, "table");
		from = List.copyOf(from);
		to = List.copyOf(to);
		if (from.isEmpty() || to.isEmpty()) {
			throw new IllegalArgumentException("'from' and 'to' each name at least one column");
		}
		Set<String> names = new HashSet<>();
		for (Identifier column : from) {
			requireUnique(names, column, "'from'");
		}
		for (NewColumn column : to) {
			requireUnique(names, column.name(), "'from' and 'to'");
		}
		if ((transform != null) == (up != null || down != null)) {
			throw new IllegalArgumentException("give either 'transform' (the name of a Java transform) or 'up' and "
					+ "'down' (SQL), not both and not neither");
		}
		if (transform != null) {
			if (transform.isBlank()) {
				throw new IllegalArgumentException("'transform' must name a transform");
			}
		}
		else {
			if (up == null || down == null) {
				throw new IllegalArgumentException("SQL needs both 'up' (one expression per 'to' column) and 'down' (one "
						+ "per 'from' column)");
			}
			up = List.copyOf(up);
			down = List.copyOf(down);
			if (up.size() != to.size()) {
				throw new IllegalArgumentException("'up' has " + up.size() + " expressions for " + to.size()
						+ " 'to' columns: give one per 'to' column, in their order");
			}
			if (down.size() != from.size()) {
				throw new IllegalArgumentException("'down' has " + down.size() + " expressions for " + from.size()
						+ " 'from' columns: give one per 'from' column, in their order");
			}
			up.forEach((expression) -> requireExpression("up", expression));
			down.forEach((expression) -> requireExpression("down", expression));
		}
	}

	private static void requireUnique(Set<String> names, Identifier column, String where) {
		if (!names.add(column.name())) {
			throw new IllegalArgumentException("column \"" + column + "\" appears twice in " + where);
		}
	}

	private static void requireExpression(String what, String sql) {
		String problem = SqlFragment.expressionProblem(sql);
		if (problem != null) {
			throw new IllegalArgumentException("'" + what + "': " + problem);
		}
	}

	/** Whether a Java transform computes the new columns (then no trigger syncs). */
	public boolean javaTransform() {
		return this.transform != null;
	}

	@Override
	public String kind() {
		return "replaceColumns";
	}

	@Override
	public String canonical() {
		return "replaceColumns(table=" + this.table + ",from=" + this.from + ",to=" + this.to.stream()
			.map((c) -> c.name() + " " + c.type() + (c.notNull() ? " not null" : "")
					+ ((c.defaultExpression() != null) ? " default " + c.defaultExpression() : ""))
			.collect(Collectors.joining(",", "[", "]")) + ",transform=" + this.transform + ",up=" + this.up + ",down="
				+ this.down + ")";
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.replaceColumns(this);
	}

}

package dev.zdm.core.plan;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.core.sql.SqlFragment;

/**
 * Creates an index without blocking writes: {@code CREATE [UNIQUE] INDEX CONCURRENTLY} in expand, outside a
 * transaction.
 *
 * @param table the table
 * @param name the index's name (in the table's schema)
 * @param columns the indexed columns, or {@code null} with {@code expression}
 * @param expression the indexed expression, SQL over the row, or {@code null} with {@code columns}
 * @param unique whether the index is unique
 * @param where the predicate of a partial index, SQL over the row, or {@code null}
 * @param using the index's access method ({@code btree}, {@code gin}, ...), or {@code null} for the default
 * @param include the columns stored in the index without being keys, or an empty list
 */
public record CreateIndex(QualifiedName table, Identifier name, List<Identifier> columns, String expression,
		boolean unique, String where, Identifier using, List<Identifier> include) implements Operation {

	public CreateIndex {
		Objects.requireNonNull(table, "table");
		Objects.requireNonNull(name, "name");
		if ((columns == null) == (expression == null)) {
			throw new IllegalArgumentException("give either 'columns' or 'expression' (one of them, not both)");
		}
		columns = (columns != null) ? List.copyOf(columns) : null;
		if (columns != null && columns.isEmpty()) {
			throw new IllegalArgumentException("'columns' must name at least one column");
		}
		requireExpression("expression", expression);
		requireExpression("where", where);
		include = (include != null) ? List.copyOf(include) : List.of();
	}

	private static void requireExpression(String what, String sql) {
		String problem = (sql != null) ? SqlFragment.expressionProblem(sql) : null;
		if (problem != null) {
			throw new IllegalArgumentException("'" + what + "': " + problem);
		}
	}

	@Override
	public String kind() {
		return "createIndex";
	}

	@Override
	public String canonical() {
		return "createIndex(table=" + this.table + ",name=" + this.name + ",columns=" + names(this.columns)
				+ ",expression=" + this.expression + ",unique=" + this.unique + ",where=" + this.where + ",using="
				+ this.using + ",include=" + names(this.include) + ")";
	}

	private static String names(List<Identifier> names) {
		return (names != null) ? names.stream().map(Identifier::toString).collect(Collectors.joining(",", "[", "]")) : null;
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.createIndex(this);
	}

}

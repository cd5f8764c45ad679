package dev.zdm.core.plan;

import java.util.Objects;

import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.core.sql.SqlFragment;

/**
 * Adds a column without rewriting or scanning the table under an exclusive lock: nullable or with a
 * non-volatile default in one metadata-only step; with a volatile default or {@code up}, existing rows are
 * filled by the backfill while new rows get the default (or {@code up}, from a trigger); {@code notNull}
 * through a {@code CHECK ... NOT VALID} validated before contract.
 *
 * @param table the table
 * @param column the new column
 * @param type its SQL type
 * @param defaultExpression its default, or {@code null}
 * @param notNull whether it ends {@code NOT NULL}
 * @param up SQL over the row giving the column's value in existing and new rows while the migration runs,
 * or {@code null}
 */
public record AddColumn(QualifiedName table, Identifier column, String type, String defaultExpression, boolean notNull,
		String up) implements Operation {

	public AddColumn {
		Objects.requireNonNull(table, "table");
		Objects.requireNonNull(column, "column");
		requireExpression("type", type);
		if (defaultExpression != null) {
			requireExpression("default", defaultExpression);
		}
		if (up != null) {
			requireExpression("up", up);
		}
		if (defaultExpression != null && up != null) {
			throw new IllegalArgumentException("give either 'default' or 'up', not both: 'default' fills the column of "
					+ "new rows, 'up' computes it from the row");
		}
	}

	private static void requireExpression(String what, String sql) {
		String problem = SqlFragment.expressionProblem(sql);
		if (problem != null) {
			throw new IllegalArgumentException("'" + what + "': " + problem);
		}
	}

	@Override
	public String kind() {
		return "addColumn";
	}

	@Override
	public String canonical() {
		return "addColumn(table=" + this.table + ",column=" + this.column + ",type=" + this.type + ",default="
				+ this.defaultExpression + ",notNull=" + this.notNull + ",up=" + this.up + ")";
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.addColumn(this);
	}

}

package dev.zdm.core.plan;

import java.util.Objects;

import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.core.sql.SqlFragment;

/**
 * Gives a column a default (metadata only, in expand); a rollback restores the default it had before,
 * exactly, or none.
 *
 * @param table the table
 * @param column the column
 * @param defaultExpression the default, as {@code ALTER COLUMN ... SET DEFAULT} takes it
 */
public record SetDefault(QualifiedName table, Identifier column, String defaultExpression) implements Operation {

	public SetDefault {
		Objects.requireNonNull(table, "table");
		Objects.requireNonNull(column, "column");
		String problem = SqlFragment.expressionProblem(defaultExpression);
		if (problem != null) {
			throw new IllegalArgumentException("'default': " + problem);
		}
	}

	@Override
	public String kind() {
		return "setDefault";
	}

	@Override
	public String canonical() {
		return "setDefault(table=" + this.table + ",column=" + this.column + ",default=" + this.defaultExpression + ")";
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.setDefault(this);
	}

}

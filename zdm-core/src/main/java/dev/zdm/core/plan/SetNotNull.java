package dev.zdm.core.plan;

import java.util.Objects;

import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.core.sql.SqlFragment;

/**
 * Makes a column {@code NOT NULL} without a scan under an exclusive lock: a {@code CHECK (column IS NOT NULL)
 * NOT VALID} in expand (new writes can no longer store {@code NULL}), existing {@code NULL}s optionally
 * filled by the backfill, the check validated before contract, then {@code SET NOT NULL} without a scan.
 *
 * @param table the table
 * @param column the column
 * @param fill SQL over the row giving the value of a row whose column is {@code NULL}, or {@code null} for
 * none (the column must then hold no {@code NULL} before contract)
 */
public record SetNotNull(QualifiedName table, Identifier column, String fill) implements Operation {

	public SetNotNull {
		Objects.requireNonNull(table, "table");
		Objects.requireNonNull(column, "column");
		if (fill != null) {
			String problem = SqlFragment.expressionProblem(fill);
			if (problem != null) {
				throw new IllegalArgumentException("'fill': " + problem);
			}
		}
	}

	@Override
	public String kind() {
		return "setNotNull";
	}

	@Override
	public String canonical() {
		return "setNotNull(table=" + this.table + ",column=" + this.column + ",fill=" + this.fill + ")";
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.setNotNull(this);
	}

}

package dev.zdm.core.plan;

import java.util.Objects;

import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.core.sql.SqlFragment;

/**
 * Changes a column's type without rewriting the table under a lock: expand adds a column of the new type
 * kept in step through {@code up} (old to new) and {@code down} (new to old), backfill converts existing
 * rows, contract drops the old column and gives the new one its final name.
 *
 * @param table the table
 * @param column the column whose type changes
 * @param type the new SQL type ({@code integer}, {@code varchar(320)}, {@code numeric(12,2)})
 * @param up SQL expression over the old row giving the new value; the old column is named {@code column}
 * @param down SQL expression over the new row giving the old value; the new column is named by its final
 * name ({@code rename} if given, else {@code column})
 * @param rename the column's final name, or {@code null} to keep {@code column}
 * @param defaultExpression the new column's default, or {@code null} for none; required when the old column
 * has a default, since it cannot be carried across types
 */
public record ChangeColumnType(QualifiedName table, Identifier column, String type, String up, String down,
		Identifier rename, String defaultExpression) implements Operation {

	public ChangeColumnType {
		Objects.requireNonNull(table, "table");
		Objects.requireNonNull(column, "column");
		requireExpression("type", type);
		requireExpression("up", up);
		requireExpression("down", down);
		if (defaultExpression != null) {
			requireExpression("default", defaultExpression);
		}
	}

	private static void requireExpression(String what, String sql) {
		String problem = SqlFragment.expressionProblem(sql);
		if (problem != null) {
			throw new IllegalArgumentException("'" + what + "': " + problem);
		}
	}

	/** The column's name once the migration completes. */
	public Identifier finalName() {
		return (this.rename != null) ? this.rename : this.column;
	}

	@Override
	public String kind() {
		return "changeColumnType";
	}

	@Override
	public String canonical() {
		return "changeColumnType(table=" + this.table + ",column=" + this.column + ",type=" + this.type + ",up="
				+ this.up + ",down=" + this.down + ",rename=" + this.rename + ",default=" + this.defaultExpression + ")";
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.changeColumnType(this);
	}

}

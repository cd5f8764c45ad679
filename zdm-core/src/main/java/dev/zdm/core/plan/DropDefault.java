package dev.zdm.core.plan;

import java.util.Objects;

import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;

/**
 * Drops a column's default at contract, once old code (which may rely on it) is gone; a rollback before
 * contract has nothing to restore.
 *
 * @param table the table
 * @param column the column
 */
public record DropDefault(QualifiedName table, Identifier column) implements Operation {

	public DropDefault {
		Objects.requireNonNull(table, "table");
		Objects.requireNonNull(column, "column");
	}

	@Override
	public String kind() {
		return "dropDefault";
	}

	@Override
	public String canonical() {
		return "dropDefault(table=" + this.table + ",column=" + this.column + ")";
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.dropDefault(this);
	}

}

package dev.zdm.core.plan;

import java.util.Objects;

import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;

/**
 * Renames a column without breaking code that still uses the old name: expand adds the new column and
 * keeps both in step, contract drops the old one.
 *
 * @param table the table
 * @param from the column's current name
 * @param to the column's new name
 */
public record RenameColumn(QualifiedName table, Identifier from, Identifier to) implements Operation {

	public RenameColumn {
		Objects.requireNonNull(table, "table");
		Objects.requireNonNull(from, "from");
		Objects.requireNonNull(to, "to");
		if (from.equals(to)) {
			throw new IllegalArgumentException("'from' and 'to' are both \"" + from + "\": nothing to rename");
		}
	}

	@Override
	public String kind() {
		return "renameColumn";
	}

	@Override
	public String canonical() {
		return "renameColumn(table=" + this.table + ",from=" + this.from + ",to=" + this.to + ")";
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.renameColumn(this);
	}

}

package dev.zdm.core.plan;

import java.util.Objects;

import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;

/**
 * Renames a table without breaking code that still uses the old name: expand renames it and puts an
 * automatically updatable view under the old name, which contract drops.
 *
 * @param table the table, by its current name
 * @param to its new name, in the same schema
 */
public record RenameTable(QualifiedName table, Identifier to) implements Operation {

	public RenameTable {
		Objects.requireNonNull(table, "table");
		Objects.requireNonNull(to, "to");
		if (table.name().equals(to)) {
			throw new IllegalArgumentException("'table' and 'to' are both \"" + to + "\": nothing to rename");
		}
	}

	@Override
	public String kind() {
		return "renameTable";
	}

	@Override
	public String canonical() {
		return "renameTable(table=" + this.table + ",to=" + this.to + ")";
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.renameTable(this);
	}

}

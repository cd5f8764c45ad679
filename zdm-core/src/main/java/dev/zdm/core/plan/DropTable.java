package dev.zdm.core.plan;

import java.util.Objects;

import dev.zdm.core.sql.QualifiedName;

/**
 * Drops a table in two steps: expand puts it aside (renames it), so that code still using it fails loudly
 * while a rollback can still bring it back; contract drops it.
 *
 * @param table the table
 */
public record DropTable(QualifiedName table) implements Operation {

	public DropTable {
		Objects.requireNonNull(table, "table");
	}

	@Override
	public String kind() {
		return "dropTable";
	}

	@Override
	public String canonical() {
		return "dropTable(table=" + this.table + ")";
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.dropTable(this);
	}

}

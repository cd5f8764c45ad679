package dev.zdm.core.plan;

import java.util.Objects;

import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;

/**
 * Drops a column without losing its data: the column stays until contract (hidden from the version schema,
 * reported as deprecated), its values are archived in zdm's schema by primary key, and contract drops it.
 * A completed drop can be undone from the archive until the archive expires.
 *
 * @param table the table
 * @param column the column to drop
 */
public record DropColumn(QualifiedName table, Identifier column) implements Operation {

	public DropColumn {
		Objects.requireNonNull(table, "table");
		Objects.requireNonNull(column, "column");
	}

	@Override
	public String kind() {
		return "dropColumn";
	}

	@Override
	public String canonical() {
		return "dropColumn(table=" + this.table + ",column=" + this.column + ")";
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.dropColumn(this);
	}

}

package dev.zdm.core.plan;

import java.util.Objects;

import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;

/**
 * Lets a column hold {@code NULL} (metadata only, in expand: old code, which always sets it, is not affected); a
 * rollback gives the column its {@code NOT NULL} back without a scan under {@code ACCESS EXCLUSIVE}.
 *
 * @param table the table
 * @param column the column
 */
public record DropNotNull(QualifiedName table, Identifier column) implements Operation {

	public DropNotNull {
		Objects.requireNonNull(table, "table");
		Objects.requireNonNull(column, "column");
	}

	@Override
	public String kind() {
		return "dropNotNull";
	}

	@Override
	public String canonical() {
		return "dropNotNull(table=" + this.table + ",column=" + this.column + ")";
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.dropNotNull(this);
	}

}

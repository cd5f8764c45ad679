package dev.zdm.core.catalog;

import java.util.List;
import java.util.Optional;

import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;

/**
 * A table as the catalog describes it.
 *
 * @param oid the table's oid
 * @param schema the schema it lives in
 * @param name its name
 * @param columns its columns, in order
 * @param primaryKey the primary key's columns, in key order; empty when the table has none
 */
public record TableInfo(long oid, String schema, String name, List<ColumnInfo> columns, List<ColumnInfo> primaryKey) {

	/** The column called {@code name}, if any. */
	public Optional<ColumnInfo> column(String name) {
		return this.columns.stream().filter((column) -> column.name().equals(name)).findFirst();
	}

	/** The fully qualified name. */
	public QualifiedName qualifiedName() {
		return new QualifiedName(Identifier.of(this.schema), Identifier.of(this.name));
	}

	/** The column names, comma-separated, for error messages. */
	public String columnNames() {
		return String.join(", ", this.columns.stream().map(ColumnInfo::name).toList());
	}

}

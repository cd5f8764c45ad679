package dev.zdm.core.plan;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.core.sql.SqlFragment;

/**
 * Creates a table, with its columns, primary key and constraints, in expand: a new, empty table is no one's
 * yet, so nothing waits for it (a foreign key briefly locks the table it references against writes).
 *
 * @param table the table
 * @param columns its columns, in order
 * @param primaryKey the primary key's columns, or none
 * @param constraints its other constraints
 */
public record CreateTable(QualifiedName table, List<Column> columns, List<Identifier> primaryKey,
		List<Constraint> constraints) implements Operation {

	public CreateTable {
		Objects.requireNonNull(table, "table");
		columns = List.copyOf(columns);
		primaryKey = List.copyOf(primaryKey);
		constraints = List.copyOf(constraints);
		if (columns.isEmpty()) {
			throw new IllegalArgumentException("'columns': give at least one column");
		}
		Set<Identifier> names = new HashSet<>();
		for (Column column : columns) {
			if (!names.add(column.name())) {
				throw new IllegalArgumentException("'columns': \"" + column.name() + "\" is given twice");
			}
		}
	}

	/**
	 * A column.
	 *
	 * @param name its name
	 * @param type its SQL type ({@code bigint}, {@code varchar(50)}, {@code bigserial})
	 * @param defaultExpression its default, SQL, or {@code null}
	 * @param notNull whether it is {@code NOT NULL}
	 */
	public record Column(Identifier name, String type, String defaultExpression, boolean notNull) {

		public Column {
			Objects.requireNonNull(name, "name");
			requireExpression("type", type);
			if (defaultExpression != null) {
				requireExpression("default", defaultExpression);
			}
		}

		String sql() {
			return this.name.quoted() + " " + this.type + (this.notNull ? " NOT NULL" : "")
					+ ((this.defaultExpression != null) ? " DEFAULT " + this.defaultExpression : "");
		}

	}

	/**
	 * A constraint: exactly one of {@code check}, {@code unique} and {@code foreignKey}.
	 *
	 * @param name its name, or {@code null} for PostgreSQL's
	 * @param check a condition over the row, or {@code null}
	 * @param unique the columns that are unique together, or {@code null}
	 * @param foreignKey a foreign key, or {@code null}
	 */
	public record Constraint(Identifier name, String check, List<Identifier> unique, ForeignKey foreignKey) {

		public Constraint {
			int kinds = ((check != null) ? 1 : 0) + ((unique != null) ? 1 : 0) + ((foreignKey != null) ? 1 : 0);
			if (kinds != 1) {
				throw new IllegalArgumentException("a constraint gives exactly one of 'check', 'unique' and 'foreignKey'");
			}
			if (check != null) {
				requireExpression("check", check);
			}
			unique = (unique != null) ? List.copyOf(unique) : null;
		}

		String sql() {
			String prefix = (this.name != null) ? "CONSTRAINT " + this.name.quoted() + " " : "";
			if (this.check != null) {
				return prefix + "CHECK (" + this.check + ")";
			}
			if (this.unique != null) {
				return prefix + "UNIQUE (" + quoted(this.unique) + ")";
			}
			return prefix + this.foreignKey.sql();
		}

	}

	/**
	 * A foreign key.
	 *
	 * @param columns the referencing columns
	 * @param references the referenced table
	 * @param referencedColumns the referenced columns
	 * @param onDelete what deleting a referenced row does
	 */
	public record ForeignKey(List<Identifier> columns, QualifiedName references, List<Identifier> referencedColumns,
			OnDelete onDelete) {

		public ForeignKey {
			columns = List.copyOf(columns);
			Objects.requireNonNull(references, "references");
			referencedColumns = List.copyOf(referencedColumns);
			Objects.requireNonNull(onDelete, "onDelete");
			if (columns.size() != referencedColumns.size()) {
				throw new IllegalArgumentException("'foreignKey': " + columns.size() + " columns reference "
						+ referencedColumns.size() + ": give as many on each side");
			}
		}

		String sql() {
			return "FOREIGN KEY (" + quoted(this.columns) + ") REFERENCES " + this.references.quoted() + " ("
					+ quoted(this.referencedColumns) + ") ON DELETE " + this.onDelete.sql();
		}

	}

	/** What deleting a referenced row does to the rows that reference it. */
	public enum OnDelete {

		NO_ACTION, RESTRICT, CASCADE, SET_NULL, SET_DEFAULT;

		String sql() {
			return name().replace('_', ' ');
		}

		@Override
		public String toString() {
			return name().toLowerCase(Locale.ROOT).replace('_', '-');
		}

	}

	/** The {@code CREATE TABLE} statement. */
	public String createStatement() {
		List<String> parts = new java.util.ArrayList<>();
		this.columns.forEach((column) -> parts.add(column.sql()));
		if (!this.primaryKey.isEmpty()) {
			parts.add("PRIMARY KEY (" + quoted(this.primaryKey) + ")");
		}
		this.constraints.forEach((constraint) -> parts.add(constraint.sql()));
		return "CREATE TABLE " + this.table.quoted() + " (" + String.join(", ", parts) + ")";
	}

	private static String quoted(List<Identifier> names) {
		return names.stream().map(Identifier::quoted).collect(Collectors.joining(", "));
	}

	private static void requireExpression(String what, String sql) {
		String problem = SqlFragment.expressionProblem(sql);
		if (problem != null) {
			throw new IllegalArgumentException("'" + what + "': " + problem);
		}
	}

	@Override
	public String kind() {
		return "createTable";
	}

	@Override
	public String canonical() {
		return "createTable(table=" + this.table + ",statement=" + createStatement() + ")";
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.createTable(this);
	}

}

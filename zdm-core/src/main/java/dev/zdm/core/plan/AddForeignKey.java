package dev.zdm.core.plan;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;

/**
 * Adds a foreign key without a scan under a lock that blocks writes: an index on the referencing columns
 * built {@code CONCURRENTLY} when none leads with them, the constraint {@code NOT VALID} (new writes are
 * checked at once), orphans handled by {@code orphans}, then {@code VALIDATE CONSTRAINT} before contract.
 *
 * @param table the referencing table
 * @param columns the referencing columns
 * @param referencedTable the referenced table
 * @param referencedColumns the referenced columns (a primary key or unique constraint), in the order of
 * {@code columns}
 * @param onDelete what a delete of a referenced row does
 * @param name the constraint's name; {@code null} for PostgreSQL's default ({@code <table>_<columns>_fkey})
 * @param index whether zdm builds an index on {@code columns} when no index leads with them
 * @param orphans what becomes of existing rows that reference no row
 */
public record AddForeignKey(QualifiedName table, List<Identifier> columns, QualifiedName referencedTable,
		List<Identifier> referencedColumns, OnDelete onDelete, Identifier name, boolean index, Orphans orphans)
		implements Operation {

	public AddForeignKey {
		Objects.requireNonNull(table, "table");
		Objects.requireNonNull(referencedTable, "referencedTable");
		columns = List.copyOf(columns);
		referencedColumns = List.copyOf(referencedColumns);
		if (columns.isEmpty()) {
			throw new IllegalArgumentException("'columns' must name at least one column");
		}
		if (columns.size() != referencedColumns.size()) {
			throw new IllegalArgumentException("'columns' names " + columns.size() + " columns and 'references.columns' "
					+ referencedColumns.size() + ": give one referenced column for each referencing column, in the same order");
		}
		if (new HashSet<>(columns).size() != columns.size()
				|| new HashSet<>(referencedColumns).size() != referencedColumns.size()) {
			throw new IllegalArgumentException("a column is named twice in 'columns' or 'references.columns'");
		}
		onDelete = (onDelete != null) ? onDelete : OnDelete.NO_ACTION;
		orphans = (orphans != null) ? orphans : Orphans.REFUSE;
		if (name == null) {
			String derived = table.name().name() + "_"
					+ columns.stream().map(Identifier::name).collect(Collectors.joining("_")) + "_fkey";
			if (Identifier.problem(derived) != null) {
				throw new IllegalArgumentException("the default name of the constraint, \"" + derived + "\", is longer than "
						+ "PostgreSQL's " + Identifier.MAX_BYTES + "-byte limit: give 'name'");
			}
			name = Identifier.of(derived);
		}
	}

	/** The referencing table and the referenced one. */
	@Override
	public List<QualifiedName> tables() {
		return List.of(this.table, this.referencedTable);
	}

	@Override
	public String kind() {
		return "addForeignKey";
	}

	@Override
	public String canonical() {
		return "addForeignKey(table=" + this.table + ",columns=" + names(this.columns) + ",references=" + this.referencedTable
				+ names(this.referencedColumns) + ",onDelete=" + this.onDelete + ",name=" + this.name + ",index=" + this.index
				+ ",orphans=" + this.orphans + ")";
	}

	private static String names(List<Identifier> names) {
		return names.stream().map(Identifier::toString).collect(Collectors.joining(",", "[", "]"));
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.addForeignKey(this);
	}

	/** PostgreSQL's referential actions, written {@code no-action}, {@code cascade}, {@code set-null}, ... */
	public enum OnDelete {

		NO_ACTION, RESTRICT, CASCADE, SET_NULL, SET_DEFAULT;

		/** The action in SQL ({@code SET NULL}). */
		public String sql() {
			return name().replace('_', ' ');
		}

		@Override
		public String toString() {
			return name().toLowerCase(Locale.ROOT).replace('_', '-');
		}

	}

	/** What becomes of existing rows that reference no row: the migration stops, or they are removed. */
	public enum Orphans {

		/** The migration stops with the orphans' count and keys. */
		REFUSE,
		/** The orphan rows are deleted, in batches, in the backfill phase. */
		DELETE,
		/** The orphans' referencing columns are set to {@code NULL}, in batches, in the backfill phase. */
		NULLIFY;

		@Override
		public String toString() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

}

package dev.zdm.core.plan;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;

/**
 * Adds a unique constraint without a build under a lock that blocks writes: existing duplicates refused or
 * removed by {@code duplicates}, {@code CREATE UNIQUE INDEX CONCURRENTLY}, then, in contract,
 * {@code ADD CONSTRAINT ... UNIQUE USING INDEX} (metadata only).
 *
 * @param table the table
 * @param columns the columns whose values must be unique together
 * @param name the constraint's name (and its index's); {@code null} for PostgreSQL's default
 * ({@code <table>_<columns>_key})
 * @param duplicates what becomes of existing rows that share their values
 * @param keepBy the column that orders the rows of a value under {@code keep-newest-by} and
 * {@code keep-oldest-by}; {@code null} under {@code refuse}
 */
public record AddUniqueConstraint(QualifiedName table, List<Identifier> columns, Identifier name, Duplicates duplicates,
		Identifier keepBy) implements Operation {

	public AddUniqueConstraint {
		Objects.requireNonNull(table, "table");
		columns = List.copyOf(columns);
		if (columns.isEmpty()) {
			throw new IllegalArgumentException("'columns' must name at least one column");
		}
		if (new HashSet<>(columns).size() != columns.size()) {
			throw new IllegalArgumentException("a column is named twice in 'columns'");
		}
		duplicates = (duplicates != null) ? duplicates : Duplicates.REFUSE;
		if ((duplicates == Duplicates.REFUSE) != (keepBy == null)) {
			throw new IllegalArgumentException((keepBy == null)
					? "'duplicates: " + duplicates + "' needs the column that orders the rows of a value: write "
							+ "duplicates: {" + duplicates + ": <column>}"
					: "'duplicates: refuse' takes no column");
		}
		if (name == null) {
			String derived = table.name().name() + "_"
					+ columns.stream().map(Identifier::name).collect(Collectors.joining("_")) + "_key";
			if (Identifier.problem(derived) != null) {
				throw new IllegalArgumentException("the default name of the constraint, \"" + derived + "\", is longer than "
						+ "PostgreSQL's " + Identifier.MAX_BYTES + "-byte limit: give 'name'");
			}
			name = Identifier.of(derived);
		}
	}

	@Override
	public String kind() {
		return "addUniqueConstraint";
	}

	@Override
	public String canonical() {
		return "addUniqueConstraint(table=" + this.table + ",columns="
				+ this.columns.stream().map(Identifier::toString).collect(Collectors.joining(",", "[", "]")) + ",name="
				+ this.name + ",duplicates=" + this.duplicates + ",keepBy=" + this.keepBy + ")";
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.addUniqueConstraint(this);
	}

	/** What becomes of rows that share their values: the migration stops, or all but one of each value go. */
	public enum Duplicates {

		/** The migration stops with the duplicated values. */
		REFUSE,
		/** Of the rows of a value, the one with the greatest {@code keepBy} stays; the others are deleted. */
		KEEP_NEWEST_BY,
		/** Of the rows of a value, the one with the least {@code keepBy} stays; the others are deleted. */
		KEEP_OLDEST_BY;

		@Override
		public String toString() {
			return name().toLowerCase(Locale.ROOT).replace('_', '-');
		}

	}

}

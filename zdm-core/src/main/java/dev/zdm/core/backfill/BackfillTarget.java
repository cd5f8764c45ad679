package dev.zdm.core.backfill;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.zdm.core.catalog.ColumnInfo;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;

/**
 * What one pass of the backfill writes into one table: one operation's column, or several operations' columns
 * of the same table in one pass ({@link #combine}).
 *
 * @param table the table
 * @param key the primary key columns the batches walk, in key order
 * @param assignments the columns written, each with its value and the predicate of rows it still has to be
 * written in
 * @param mismatch a predicate true for a row that still needs an assignment; batches skip the others, and
 * verification counts them
 * @param bypassTriggers the sync triggers the backfill's own updates must not fire
 * @param notNullViolation a predicate true for a row whose new value is {@code NULL} although the column must
 * not be, or {@code null} when the columns may be {@code NULL}
 * @param removes what the batches remove by a policy the plan chose (orphans, duplicates), for the report of
 * the keys of every row they delete ({@code assignments} empty) or change (logged and recorded as
 * {@code rows-removed} events); such batches fire the table's triggers, as any delete would; {@code null} for
 * a copy, which loses nothing
 * @param copyInto where batches copy the rows' key and one column instead of updating the table (an archive),
 * or {@code null} for an update
 */
public record BackfillTarget(QualifiedName table, List<ColumnInfo> key, List<Assignment> assignments, String mismatch,
		List<Identifier> bypassTriggers, String notNullViolation, String removes, CopyInto copyInto) {

	public BackfillTarget {
		Objects.requireNonNull(table, "table");
		key = List.copyOf(key);
		assignments = List.copyOf(assignments);
		if (assignments.isEmpty() && removes == null) {
			throw new IllegalArgumentException("A backfill writes at least one column");
		}
		Objects.requireNonNull(mismatch, "mismatch");
		bypassTriggers = List.copyOf(bypassTriggers);
	}

	/** A copy: batches write {@code assignments} into the rows that need them, and report nothing. */
	public BackfillTarget(QualifiedName table, List<ColumnInfo> key, List<Assignment> assignments, String mismatch,
			List<Identifier> bypassTriggers, String notNullViolation) {
		this(table, key, assignments, mismatch, bypassTriggers, notNullViolation, null, null);
	}

	/** A removal by a policy the plan chose, reported row by row (see {@code removes}). */
	public BackfillTarget(QualifiedName table, List<ColumnInfo> key, List<Assignment> assignments, String mismatch,
			List<Identifier> bypassTriggers, String notNullViolation, String removes) {
		this(table, key, assignments, mismatch, bypassTriggers, notNullViolation, removes, null);
	}

	/**
	 * A copy of the rows' key and {@code column} into {@code archive} (keyed like the table), in keyset batches
	 * over the rows for which {@code mismatch} holds (not archived yet, or archived with another value).
	 */
	public static BackfillTarget copy(QualifiedName table, List<ColumnInfo> key, Identifier column, String mismatch,
			QualifiedName archive) {
		return new BackfillTarget(table, key, List.of(new Assignment(column, column.quoted(), mismatch)), mismatch,
				List.of(), null, null, new CopyInto(archive, column));
	}

	/**
	 * A table the batches copy into: the key columns and {@code column}, under the table's names, upserted by
	 * key. The rows copied are locked ({@code FOR SHARE}) until the batch commits, so that the value copied is
	 * the row's latest: a concurrent write waits for the batch, then writes its own value over it.
	 *
	 * @param table the table copied into, with a primary key on the key columns
	 * @param column the column copied
	 */
	public record CopyInto(QualifiedName table, Identifier column) {
	}

	/**
	 * One column of one operation.
	 *
	 * @param table the table
	 * @param key the primary key columns
	 * @param column the column written
	 * @param value its value, SQL over the row
	 * @param mismatch a predicate true for a row whose column still differs from {@code value}
	 * @param bypassTrigger the sync trigger the backfill must not fire, or {@code null}
	 * @param notNullViolation see the record, or {@code null}
	 */
	public BackfillTarget(QualifiedName table, List<ColumnInfo> key, Identifier column, String value, String mismatch,
			Identifier bypassTrigger, String notNullViolation) {
		this(table, key, List.of(new Assignment(column, value, mismatch)), mismatch,
				(bypassTrigger != null) ? List.of(bypassTrigger) : List.of(), notNullViolation);
	}

	/**
	 * One column written by the backfill.
	 *
	 * @param column the column
	 * @param value its value, SQL over the row
	 * @param mismatch a predicate true for a row whose column still has to be written
	 */
	public record Assignment(Identifier column, String value, String mismatch) {

		public Assignment {
			Objects.requireNonNull(column, "column");
			Objects.requireNonNull(value, "value");
			Objects.requireNonNull(mismatch, "mismatch");
		}

	}

	/**
	 * The {@code SET} clause. One column is assigned its value; with several, each column is assigned its value
	 * only in the rows where it differs, and keeps its own elsewhere, since a batch updates every row in which
	 * any column differs; {@code null} for a removal that deletes the rows.
	 */
	public String assignment() {
		if (this.assignments.isEmpty()) {
			return null;
		}
		if (this.assignments.size() == 1) {
			Assignment only = this.assignments.get(0);
			return only.column().quoted() + " = " + only.value();
		}
		return this.assignments.stream()
			.map((a) -> a.column().quoted() + " = CASE WHEN (" + a.mismatch() + ") THEN " + a.value() + " ELSE "
					+ a.column().quoted() + " END")
			.collect(Collectors.joining(", "));
	}

	/**
	 * This pass and {@code next} as one pass over the table, or empty when they cannot share one: another
	 * table or key, a column written by both, or SQL of one that names a column the other writes (in one
	 * {@code UPDATE} every expression reads the row as it was before it, where two passes in turn would read
	 * the first pass's values). Names are compared as text, case-insensitively, so a doubt means two passes.
	 */
	public Optional<BackfillTarget> combine(BackfillTarget next) {
		if (this.removes != null || next.removes != null || this.copyInto != null || next.copyInto != null
				|| !this.table.equals(next.table) || !this.key.equals(next.key) || reads(next) || next.reads(this)) {
			return Optional.empty();
		}
		List<Assignment> assignments = new ArrayList<>(this.assignments);
		assignments.addAll(next.assignments);
		List<Identifier> triggers = new ArrayList<>(this.bypassTriggers);
		next.bypassTriggers.stream().filter((t) -> !triggers.contains(t)).forEach(triggers::add);
		String notNull = (this.notNullViolation == null) ? next.notNullViolation
				: (next.notNullViolation == null) ? this.notNullViolation
						: "(" + this.notNullViolation + ") OR (" + next.notNullViolation + ")";
		return Optional.of(new BackfillTarget(this.table, this.key, assignments,
				"(" + this.mismatch + ") OR (" + next.mismatch + ")", triggers, notNull));
	}

	/** Whether this pass's SQL may name a column that {@code other} writes. */
	private boolean reads(BackfillTarget other) {
		StringBuilder text = new StringBuilder(this.mismatch);
		for (Assignment assignment : this.assignments) {
			text.append(' ').append(assignment.column().name()).append(' ').append(assignment.value());
		}
		if (this.notNullViolation != null) {
			text.append(' ').append(this.notNullViolation);
		}
		String lower = text.toString().toLowerCase(Locale.ROOT);
		return other.assignments.stream().anyMatch((a) -> lower.contains(a.column().name().toLowerCase(Locale.ROOT)));
	}

}

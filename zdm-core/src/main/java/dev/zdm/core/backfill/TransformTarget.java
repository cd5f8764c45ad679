package dev.zdm.core.backfill;

import java.util.List;
import java.util.Objects;

import dev.zdm.core.catalog.ColumnInfo;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.transform.RowTransform;

/**
 * A backfill whose values a {@link RowTransform} computes in Java: the columns it reads and the columns it
 * writes. Its {@link #target} gives the table and key the batches walk (and, for the verification, the
 * {@code NOT NULL} columns); its SQL assignments are not used, since the values come from Java.
 *
 * @param target the table, key and {@code NOT NULL} predicate
 * @param read the columns the transform reads, with their types
 * @param written the columns it writes, in order
 * @param transformName the transform's name in the plan
 */
public record TransformTarget(BackfillTarget target, List<ColumnInfo> read, List<Written> written,
		String transformName) {

	public TransformTarget {
		Objects.requireNonNull(target, "target");
		read = List.copyOf(read);
		written = List.copyOf(written);
		Objects.requireNonNull(transformName, "transformName");
	}

	/**
	 * A column the transform writes.
	 *
	 * @param column the column
	 * @param type its SQL type, to which the transform's value is cast
	 */
	public record Written(Identifier column, String type) {
	}

	/** This target with the transform that computes it. */
	public Pass with(RowTransform transform) {
		return new Pass(this, transform);
	}

	/**
	 * A transform backfill ready to run.
	 *
	 * @param target what it reads and writes
	 * @param transform the transform
	 */
	public record Pass(TransformTarget target, RowTransform transform) {

		public Pass {
			Objects.requireNonNull(target, "target");
			Objects.requireNonNull(transform, "transform");
		}

		/**
		 * The application-side sync of this pass: with {@code down}, computing the old columns from the new
		 * ({@link RowTransform#down}), otherwise the new from the old ({@link RowTransform#up}).
		 */
		public RowSync rowSync(boolean down) {
			return new RowSync(this, down);
		}

	}

}

package dev.zdm.core.operation;

import java.util.Objects;

import dev.zdm.core.backfill.BackfillTarget;
import dev.zdm.core.backfill.TransformTarget;

/**
 * What an operation's backfill writes: into existing rows ({@link SqlAssignment}), or into an archive
 * ({@link ArchiveCopy}, for {@code dropColumn}). Sealed, so that the backfill engine knows every kind: a Java
 * transform joins as a further record.
 */
public sealed interface Backfill {

	/** The table and the predicates of the backfill's batches and of its verification. */
	BackfillTarget target();

	/**
	 * An {@code UPDATE ... SET} of SQL computed from the row itself, in keyset batches.
	 *
	 * @param target the assignment, the mismatch predicate and the trigger the batches bypass
	 */
	record SqlAssignment(BackfillTarget target) implements Backfill {

		public SqlAssignment {
			Objects.requireNonNull(target, "target");
		}

	}

	/**
	 * Rows deleted, or values cleared ({@code SET col = NULL}), by a policy the plan chose (orphans of a
	 * foreign key, duplicates of a unique key), in keyset batches; the keys of every row removed are logged
	 * and recorded as {@code rows-removed} events, in the batch's transaction. Verification counts the rows
	 * the policy would still remove.
	 *
	 * @param target the assignment ({@code null} to delete), the predicate of the rows to remove, and what
	 * they are ({@link BackfillTarget#removes()})
	 */
	record RowRemoval(BackfillTarget target) implements Backfill {

		public RowRemoval {
			Objects.requireNonNull(target, "target");
			Objects.requireNonNull(target.removes(), "target.removes");
		}

	}

	/**
	 * A copy of the rows' primary key and one column into an archive table, in keyset batches
	 * ({@link BackfillTarget#copyInto()}), resumable and idempotent (upserted by key).
	 *
	 * @param target the archive, the predicate of rows not archived yet (or archived with another value)
	 */
	record ArchiveCopy(BackfillTarget target) implements Backfill {

		public ArchiveCopy {
			Objects.requireNonNull(target, "target");
			Objects.requireNonNull(target.copyInto(), "target.copyInto");
		}

	}

	/**
	 * Values computed in Java by the {@link dev.zdm.core.transform.RowTransform} the plan names, which the
	 * orchestrator finds in its {@link dev.zdm.core.transform.TransformRegistry}; a pass of its own.
	 *
	 * @param transform what the transform reads and writes
	 */
	record Transform(TransformTarget transform) implements Backfill {

		public Transform {
			Objects.requireNonNull(transform, "transform");
		}

		@Override
		public BackfillTarget target() {
			return this.transform.target();
		}

	}

}

package dev.zdm.core.operation;

import java.util.Objects;

import dev.zdm.core.backfill.BackfillTarget;
import dev.zdm.core.backfill.TransformTarget;

/**
 * What an operation's backfill writes into existing rows. Sealed, so that the backfill engine knows every
 * kind: a Java transform and an archive copy (for {@code dropColumn}) join as further records.
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

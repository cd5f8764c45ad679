package dev.zdm.core.operation;

import java.util.Objects;

import dev.zdm.core.sync.SyncTrigger;

/**
 * How an operation keeps its old and new shape in step while both are in use. Sealed: application-side
 * sync ({@code @DualWrite}) joins as a further record.
 */
public sealed interface Sync {

	/** Nothing to keep in step (the operation changes nothing that old code writes). */
	Sync NONE = new None();

	/**
	 * Triggers on the table. Before contract, zdm checks that they still catch every write and that no row
	 * escaped them ({@code outOfStep}), since contract drops the side that such a write would have reached.
	 *
	 * @param trigger the triggers
	 * @param outOfStep a predicate over the table, true for a row whose two sides are not in step
	 */
	record Trigger(SyncTrigger trigger, String outOfStep) implements Sync {

		public Trigger {
			Objects.requireNonNull(trigger, "trigger");
			Objects.requireNonNull(outOfStep, "outOfStep");
		}

	}

	/** No sync. */
	record None() implements Sync {
	}

	/**
	 * The application keeps both shapes in step: every writer writes the old and the new columns in the same
	 * statement (or stops writing) from expand until the migration completes. zdm cannot see such writes; before
	 * contract it checks that no row is out of step, as it does for triggers.
	 *
	 * @param requirement what the writers must do, for the migration's status
	 */
	record Application(String requirement) implements Sync {

		public Application {
			Objects.requireNonNull(requirement, "requirement");
		}

	}

}

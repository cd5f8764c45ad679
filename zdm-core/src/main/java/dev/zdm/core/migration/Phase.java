package dev.zdm.core.migration;

/**
 * The phases of a migration. {@code EXPANDING}, {@code BACKFILLING}, {@code CONTRACTING} and
 * {@code ROLLING_BACK} are in-progress states: a migration found in one after a crash is finished by
 * advancing (or rolling back) again.
 */
public enum Phase {

	/** Registered; nothing done to the schema yet. */
	PENDING,
	/** Expand steps are running. */
	EXPANDING,
	/** New shape added next to the old one, kept in step by sync triggers. */
	EXPANDED,
	/** Existing rows are being copied. */
	BACKFILLING,
	/** Every row copied and verified. */
	BACKFILLED,
	/** The new shape is authoritative; sync still keeps the old one correct. */
	SWITCHED,
	/** Destructive steps are running. */
	CONTRACTING,
	/** Done: only the new shape remains. */
	COMPLETED,
	/** Undoing the migration. */
	ROLLING_BACK,
	/** Undone: the schema is as it was before, with every write made meanwhile. */
	ROLLED_BACK,
	/** A completed migration is being undone from its archives ({@code Orchestrator.undo}). */
	UNDOING,
	/** A completed migration was undone: what it dropped is back, with its archived data. */
	UNDONE;

	/** Whether a rollback may start from this phase. */
	public boolean canRollBack() {
		return ordinal() <= SWITCHED.ordinal() || this == ROLLING_BACK;
	}

	/**
	 * The phase that advancing from this one reaches ({@code EXPANDED} from {@code PENDING}), or {@code null}
	 * when advancing is not possible.
	 */
	public Phase advancesTo() {
		return switch (this) {
			case PENDING, EXPANDING -> EXPANDED;
			case EXPANDED, BACKFILLING -> BACKFILLED;
			case BACKFILLED -> SWITCHED;
			case SWITCHED, CONTRACTING -> COMPLETED;
			case COMPLETED, ROLLING_BACK, ROLLED_BACK, UNDOING, UNDONE -> null;
		};
	}

	/** Whether the migration has ended, either way. */
	public boolean isFinal() {
		return this == COMPLETED || this == ROLLED_BACK || this == UNDONE;
	}

}

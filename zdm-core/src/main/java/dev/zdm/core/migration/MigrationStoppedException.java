package dev.zdm.core.migration;

/**
 * This instance's orchestrator was stopped ({@link Orchestrator#stop()}) while it ran (or before it started)
 * the migration's backfill: the batch in flight committed and this instance's leases were released, so
 * other instances go on with the ranges at once. Not recorded as the migration's error: the migration stays
 * {@code BACKFILLING}, and advancing it again (here after {@link Orchestrator#resumeAfterStop()}, or on any
 * other instance) continues from its checkpoints.
 */
public class MigrationStoppedException extends MigrationException {

	public MigrationStoppedException(String message) {
		super(message);
	}

}

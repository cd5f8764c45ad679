package dev.zdm.core.migration;

/**
 * The migration's backfill is paused (or was cancelled): advancing it waits for {@link Orchestrator#resume}.
 * Not recorded as the migration's error.
 */
public class MigrationPausedException extends MigrationException {

	public MigrationPausedException(String message) {
		super(message);
	}

}

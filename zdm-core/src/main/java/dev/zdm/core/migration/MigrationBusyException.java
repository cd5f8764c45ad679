package dev.zdm.core.migration;

/**
 * Another instance holds the migration's lock: it is running a phase right now.
 */
public class MigrationBusyException extends MigrationException {

	public MigrationBusyException(String message) {
		super(message);
	}

}

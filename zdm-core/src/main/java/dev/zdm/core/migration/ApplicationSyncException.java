package dev.zdm.core.migration;

/**
 * The application-side sync of a write failed: the write must not commit (its transaction is rolled back),
 * since the two shapes of its rows would differ. Names the migration and the operation.
 */
public class ApplicationSyncException extends MigrationException {

	private final String migrationId;

	public ApplicationSyncException(String migrationId, String message, Throwable cause) {
		super(message, cause);
		this.migrationId = migrationId;
	}

	/** The migration whose sync failed. */
	public String migrationId() {
		return this.migrationId;
	}

}

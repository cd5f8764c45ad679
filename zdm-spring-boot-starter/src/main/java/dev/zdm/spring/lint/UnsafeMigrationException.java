package dev.zdm.spring.lint;

/**
 * Thrown at start-up, before Liquibase or Flyway runs anything, when pending migrations hold unsafe
 * statements; {@link UnsafeMigrationFailureAnalyzer} turns it into the start-up report.
 */
class UnsafeMigrationException extends RuntimeException {

	private final String tool;

	UnsafeMigrationException(String report, String tool) {
		super(report);
		this.tool = tool;
	}

	/** {@code Liquibase} or {@code Flyway}. */
	String tool() {
		return this.tool;
	}

}

package dev.zdm.core.migration;

/**
 * A migration cannot do what was asked: the wrong phase, a plan that is not loaded, another instance busy
 * with it, or verification that found rows out of step.
 */
public class MigrationException extends RuntimeException {

	public MigrationException(String message) {
		super(message);
	}

	public MigrationException(String message, Throwable cause) {
		super(message, cause);
	}

}

package dev.zdm.core.backfill;

/**
 * A backfill failed. Its ranges keep their cursors: advancing again resumes where it stopped.
 */
public class BackfillException extends RuntimeException {

	public BackfillException(String message, Throwable cause) {
		super(message, cause);
	}

}

package dev.zdm.core.ddl;

/**
 * A statement did not get its lock in any of its attempts. Nothing it did was committed.
 */
public class LockNotGrantedException extends RuntimeException {

	public LockNotGrantedException(String message, Throwable cause) {
		super(message, cause);
	}

}

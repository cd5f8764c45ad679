package dev.zdm.core.ddl;

/**
 * A DDL statement failed for a reason other than a lock that was not granted. Nothing it did in its
 * transaction was committed.
 */
public class DdlException extends RuntimeException {

	public DdlException(String message, Throwable cause) {
		super(message, cause);
	}

}

package dev.zdm.core.backfill;

/**
 * A backfill range was taken over by another instance (its lease expired) or withdrawn by a rollback; the
 * batch in flight was rolled back.
 */
class LeaseLostException extends RuntimeException {

	LeaseLostException(String message) {
		super(message);
	}

}

package dev.zdm.core.backfill;

/**
 * A backfill stopped because this instance's engine was stopped ({@link BackfillEngine#stop()}): its batch in
 * flight committed and this instance gave up its leases; other instances continue the ranges at once.
 */
public class BackfillStoppedException extends BackfillException {

	public BackfillStoppedException(String message) {
		super(message, null);
	}

}

package dev.zdm.core.backfill;

/**
 * A backfill stopped because it was paused or cancelled ({@code zdm_backfill_control}); its ranges keep their
 * cursors and it holds no lease.
 */
public class BackfillPausedException extends BackfillException {

	private final String state;

	public BackfillPausedException(String state, String message) {
		super(message, null);
		this.state = state;
	}

	/** {@code PAUSED} or {@code CANCELLED}. */
	public String state() {
		return this.state;
	}

}

package dev.zdm.core.migration;

/**
 * A gate refused a transition: some live application instance is not ready for it. The message names the
 * migration, the gate, every blocking instance (id, host, version, readiness) and what to do. Not recorded
 * as the migration's error: nothing failed, and advancing again passes once the instances are ready.
 */
public class MigrationGateException extends MigrationException {

	private final transient Gate gate;

	public MigrationGateException(String message, Gate gate) {
		super(message);
		this.gate = gate;
	}

	/** The gate that refused, with its blockers. */
	public Gate gate() {
		return this.gate;
	}

}

package dev.zdm.core.instance;

/**
 * What an application instance is ready for, for one migration, as it reports in its heartbeat. The
 * orchestrator's gates read it: switch needs every live instance able to sync (unless a trigger syncs),
 * contract needs no live instance still on the old shape. Ordered: each level includes the ones before it.
 */
public enum Readiness {

	/** The instance's code knows nothing of the migration: it reads and writes the old shape only. */
	UNAWARE,

	/** The instance keeps both shapes in step on its writes ({@code @DualWrite}), still reading the old. */
	SYNCS_BOTH,

	/** The instance reads the new shape (through the migration's version schema) and keeps both in step. */
	READS_NEW,

	/** The instance's code uses the new shape only: the old one may be dropped. */
	NEW_ONLY;

	/** Whether this level includes {@code other}. */
	public boolean atLeast(Readiness other) {
		return compareTo(other) >= 0;
	}

}

package dev.zdm.core.migration;

import java.time.Instant;

import dev.zdm.core.backfill.BackfillProgress;

/**
 * Where a migration stands.
 *
 * @param id the migration id
 * @param description the plan's description
 * @param phase the current phase
 * @param error the last error, or {@code null}
 * @param backfill backfill progress, or {@code null} before the backfill was planned
 * @param updatedAt when it last changed
 * @param applicationSync what every writer must do while the migration runs, when the application (not a
 * trigger) keeps old and new shape in step (a Java transform): write both shapes in one statement, or stop
 * writing; {@code null} when zdm's triggers keep them in step, or the migration ended
 */
public record MigrationStatus(String id, String description, Phase phase, String error, BackfillProgress backfill,
		Instant updatedAt, String applicationSync) {

	/** A status of a migration kept in step by zdm alone. */
	public MigrationStatus(String id, String description, Phase phase, String error, BackfillProgress backfill,
			Instant updatedAt) {
		this(id, description, phase, error, backfill, updatedAt, null);
	}

	/** Whether writers must dual-write (or stop) while the migration runs: see {@link #applicationSync}. */
	public boolean needsApplicationSync() {
		return this.applicationSync != null;
	}

}

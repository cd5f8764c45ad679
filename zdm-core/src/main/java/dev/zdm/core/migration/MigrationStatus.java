package dev.zdm.core.migration;

import java.time.Instant;
import java.util.List;

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
 * @param deprecatedColumns the columns new code must no longer use ({@code schema.table.column}): hidden
 * from the version schema, they go at contract (a dropped column, a renamed column's old name); empty outside
 * {@code EXPANDING}..{@code CONTRACTING}
 * @param applicationSync what every writer must do while the migration runs, when the application (not a
 * trigger) keeps old and new shape in step (a Java transform): write both shapes in one statement, or stop
 * writing; {@code null} when zdm's triggers keep them in step, or the migration ended
 */
public record MigrationStatus(String id, String description, Phase phase, String error, BackfillProgress backfill,
		Instant updatedAt, List<String> deprecatedColumns, String applicationSync) {

	public MigrationStatus {
		deprecatedColumns = (deprecatedColumns != null) ? List.copyOf(deprecatedColumns) : List.of();
	}

	/** A status without deprecated columns, kept in step by zdm alone. */
	public MigrationStatus(String id, String description, Phase phase, String error, BackfillProgress backfill,
			Instant updatedAt) {
		this(id, description, phase, error, backfill, updatedAt, List.of(), null);
	}

	/** Whether writers must dual-write (or stop) while the migration runs: see {@link #applicationSync}. */
	public boolean needsApplicationSync() {
		return this.applicationSync != null;
	}

}

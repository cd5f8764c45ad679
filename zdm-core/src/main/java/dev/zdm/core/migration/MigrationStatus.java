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
 */
public record MigrationStatus(String id, String description, Phase phase, String error, BackfillProgress backfill,
		Instant updatedAt) {
}

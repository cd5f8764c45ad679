package dev.zdm.core.state;

import java.time.Instant;

import dev.zdm.core.migration.Phase;

/**
 * A migration as zdm stores it.
 *
 * @param id the migration id
 * @param checksum the checksum of the plan it was started with
 * @param description the plan's description
 * @param source where the plan came from
 * @param phase the current phase
 * @param error the last error, or {@code null}
 * @param createdAt when it was started
 * @param updatedAt when it last changed
 */
public record MigrationRecord(String id, String checksum, String description, String source, Phase phase, String error,
		Instant createdAt, Instant updatedAt) {
}

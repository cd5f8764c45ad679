package dev.zdm.core.instance;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * An application instance as its heartbeats describe it.
 *
 * @param id the instance's id (its name in backfill leases and the audit log)
 * @param host the host it runs on
 * @param version the application's version, or {@code null} when it does not tell
 * @param startedAt when the instance started, or {@code null}
 * @param lastSeen when its last heartbeat arrived (the database's clock); {@code null} in a heartbeat not yet
 * sent
 * @param readiness what it is ready for, by migration id; a migration it does not name is {@link Readiness#UNAWARE}
 */
public record Instance(String id, String host, String version, Instant startedAt, Instant lastSeen,
		Map<String, Readiness> readiness) {

	public Instance {
		readiness = (readiness != null) ? Map.copyOf(readiness) : Map.of();
	}

	/** What a heartbeat of this process sends: {@code lastSeen} is set by the database when it arrives. */
	public static Instance of(String id, String host, String version, Instant startedAt,
			Map<String, Readiness> readiness) {
		return new Instance(id, host, version, startedAt, null, readiness);
	}

	/** What the instance is ready for in migration {@code migrationId}. */
	public Readiness readiness(String migrationId) {
		return this.readiness.getOrDefault(migrationId, Readiness.UNAWARE);
	}

	/** {@code id (host, version v)}: how errors and logs name the instance. */
	public String describe() {
		return this.id + " (host " + ((this.host != null) ? this.host : "unknown") + ", version "
				+ ((this.version != null) ? this.version : "unknown") + ")";
	}

	@Override
	public String toString() {
		return describe() + " " + new TreeMap<>(this.readiness);
	}

}

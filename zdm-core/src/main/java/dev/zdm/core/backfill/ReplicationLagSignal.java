package dev.zdm.core.backfill;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * Standbys or replication slots fall behind: the backfill's WAL would only make them fall further behind.
 * Reads the replay lag of {@code pg_stat_replication} and the WAL each slot (logical or physical) has not
 * confirmed yet.
 */
final class ReplicationLagSignal implements ThrottleSignal {

	static final String NAME = "replication-lag";

	private final Duration maxLag;

	private final long maxSlotBytes;

	ReplicationLagSignal(Duration maxLag, long maxSlotBytes) {
		this.maxLag = maxLag;
		this.maxSlotBytes = maxSlotBytes;
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Optional<Throttle> check(Context context) throws SQLException {
		try (PreparedStatement statement = context.connection().prepareStatement("""
				SELECT (SELECT max(extract(epoch FROM replay_lag)) FROM pg_stat_replication),
				       s.slot_name, s.lag
				FROM (SELECT 1) AS one
				LEFT JOIN LATERAL (
				  SELECT slot_name, pg_wal_lsn_diff(pg_current_wal_lsn(), coalesce(confirmed_flush_lsn, restart_lsn))::bigint AS lag
				  FROM pg_replication_slots
				  WHERE NOT pg_is_in_recovery() AND coalesce(confirmed_flush_lsn, restart_lsn) IS NOT NULL
				  ORDER BY 2 DESC LIMIT 1) AS s ON true""");
				ResultSet rs = statement.executeQuery()) {
			rs.next();
			double seconds = rs.getDouble(1);
			boolean standbys = !rs.wasNull();
			String slot = rs.getString(2);
			long bytes = rs.getLong(3);
			if (!this.maxLag.isZero() && standbys && seconds * 1000 >= this.maxLag.toMillis()) {
				return Optional.of(new Throttle(NAME, Throttle.Response.STOP, String.format(java.util.Locale.ROOT,
						"a standby replays %.1f s behind, at most %d s allowed (backfill.throttle.maxReplicationLag)",
						seconds, this.maxLag.toSeconds())));
			}
			if (this.maxSlotBytes > 0 && slot != null && bytes >= this.maxSlotBytes) {
				return Optional.of(new Throttle(NAME, Throttle.Response.STOP, "replication slot " + slot + " is "
						+ bytes + " bytes of WAL behind, at most " + this.maxSlotBytes
						+ " allowed (backfill.throttle.maxSlotLagBytes)"));
			}
			return Optional.empty();
		}
	}

}

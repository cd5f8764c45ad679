package dev.zdm.core.backfill;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The server is busy: as many sessions as it has room for are running a statement (gh-ost's max-load).
 * Counts every database's client sessions but zdm's own; a role without {@code pg_read_all_stats} (or
 * {@code pg_monitor}) sees only its own sessions' state, so grant it one of them for this signal to see the
 * application.
 */
final class ActiveSessionsSignal implements ThrottleSignal {

	static final String NAME = "active-sessions";

	private final int max;

	ActiveSessionsSignal(int max) {
		this.max = max;
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Optional<Throttle> check(Context context) throws SQLException {
		try (PreparedStatement statement = context.connection().prepareStatement("""
				SELECT count(*) FROM pg_stat_activity
				WHERE state = 'active' AND backend_type = 'client backend'
				  AND pid <> pg_backend_pid() AND NOT (pid = ANY (CAST(? AS int[])))""")) {
			statement.setArray(1, context.pids());
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				int active = rs.getInt(1);
				if (active < this.max) {
					return Optional.empty();
				}
				return Optional.of(new Throttle(NAME, Throttle.Response.SLOW, active
						+ " other sessions are running statements, at most " + this.max
						+ " allowed (backfill.throttle.maxActiveSessions)"));
			}
		}
	}

}

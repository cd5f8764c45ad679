package dev.zdm.core.backfill;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The server is busy: as many client sessions as it has room for are at work (gh-ost's max-load, counted as
 * PostgreSQL shows it). A session is at work while it runs a statement, while it is inside a transaction, and
 * for {@value #RECENT_MILLIS} ms after its last statement ended: an application running statements back to
 * back is busy all the time, but at any one instant some of its sessions sit between two statements, so a
 * count of the sessions running a statement comes and goes from one check to the next, and a backfill that
 * returns to full speed each time it goes costs the application the most. Counts every database's client
 * sessions but zdm's own; a role without {@code pg_read_all_stats} (or {@code pg_monitor}) sees only its own
 * sessions' state, so grant it one of them for this signal to see the application.
 */
final class ActiveSessionsSignal implements ThrottleSignal {

	static final String NAME = "active-sessions";

	/** How long after its last statement a session still counts as at work. */
	static final int RECENT_MILLIS = 10;

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
				WHERE backend_type = 'client backend'
				  AND (state IN ('active', 'idle in transaction', 'idle in transaction (aborted)', 'fastpath function call')
				    OR (state = 'idle' AND state_change > clock_timestamp() - interval '%d milliseconds'))
				  AND pid <> pg_backend_pid() AND NOT (pid = ANY (CAST(? AS int[])))""".formatted(RECENT_MILLIS))) {
			statement.setArray(1, context.pids());
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				int active = rs.getInt(1);
				if (active < this.max) {
					return Optional.empty();
				}
				return Optional.of(new Throttle(NAME, Throttle.Response.SLOW, active + " other sessions are at work (in a "
						+ "statement or a transaction, or done with one less than " + RECENT_MILLIS + " ms ago), at most "
						+ this.max + " allowed (backfill.throttle.maxActiveSessions)"));
			}
		}
	}

}

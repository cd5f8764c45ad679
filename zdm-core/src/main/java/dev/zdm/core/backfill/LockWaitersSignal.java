package dev.zdm.core.backfill;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Sessions are waiting for a lock while they hold or want a lock on a table being backfilled: the
 * application queues behind something (often the backfill's own row locks, or DDL behind it).
 */
final class LockWaitersSignal implements ThrottleSignal {

	static final String NAME = "lock-waiters";

	private final int max;

	LockWaitersSignal(int max) {
		this.max = max;
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Optional<Throttle> check(Context context) throws SQLException {
		try (PreparedStatement statement = context.connection().prepareStatement("""
				SELECT count(DISTINCT l.pid), string_agg(DISTINCT l.pid::text, ', ')
				FROM pg_locks l
				WHERE l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
				  AND l.relation IN (SELECT to_regclass(t) FROM unnest(CAST(? AS text[])) AS t)
				  AND l.pid <> pg_backend_pid() AND NOT (l.pid = ANY (CAST(? AS int[])))
				  AND l.pid IN (SELECT w.pid FROM pg_locks w WHERE NOT w.granted)""")) {
			statement.setArray(1, context.tableNames());
			statement.setArray(2, context.pids());
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				int waiters = rs.getInt(1);
				if (waiters < this.max) {
					return Optional.empty();
				}
				return Optional.of(new Throttle(NAME, Throttle.Response.SLOW, waiters + " session(s) (pid "
						+ rs.getString(2) + ") waiting for locks on " + context.tables() + ", at most " + this.max
						+ " allowed (backfill.throttle.maxLockWaiters)"));
			}
		}
	}

}

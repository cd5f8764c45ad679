package dev.zdm.core.backfill;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * A vacuum (autovacuum or {@code VACUUM}) is working on a table being backfilled: the backfill stops until it
 * ends, for at most {@code maxWait} per vacuum. A backfill leaves a dead version of every row it rewrites, so it
 * is what sends autovacuum to its table; while the vacuum reads the table and its indexes, batches would add to the
 * dead versions it has yet to reach and take the I/O and WAL bandwidth it and the application share (in one
 * measured load the seconds in which a vacuum and a backfill ran together were its worst: docs/benchmarks.md). GitLab's batched
 * background migrations hold a migration on the same condition. After {@code maxWait} the signal lets the backfill go
 * on beside that vacuum: a vacuum of a large table runs for long, and the backfill must finish.
 * <p>
 * {@code pg_stat_progress_vacuum} shows the table of another role's vacuum (autovacuum's included) only to a role
 * with {@code pg_read_all_stats} (or {@code pg_monitor}); without it the signal sees only the role's own vacuums.
 */
final class VacuumSignal implements ThrottleSignal {

	static final String NAME = "vacuum";

	private final Duration maxWait;

	VacuumSignal(Duration maxWait) {
		this.maxWait = maxWait;
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Optional<Throttle> check(Context context) throws SQLException {
		// The vacuum's own transaction starts with its work on the table (a VACUUM of several tables, and an
		// autovacuum worker, take one transaction per table).
		try (PreparedStatement statement = context.connection().prepareStatement("""
				SELECT p.pid, CAST(CAST(p.relid AS regclass) AS text), p.phase,
				       coalesce(a.backend_type = 'autovacuum worker', false),
				       extract(epoch FROM clock_timestamp() - coalesce(a.xact_start, a.query_start, clock_timestamp()))
				FROM pg_stat_progress_vacuum p
				LEFT JOIN pg_stat_activity a ON a.pid = p.pid
				WHERE p.datid = (SELECT oid FROM pg_database WHERE datname = current_database())
				  AND p.relid IN (SELECT to_regclass(t) FROM unnest(CAST(? AS text[])) AS t)
				  AND coalesce(a.xact_start, a.query_start, clock_timestamp()) > clock_timestamp() - make_interval(secs => ?)
				ORDER BY 5 DESC LIMIT 1""")) {
			statement.setArray(1, context.tableNames());
			statement.setDouble(2, this.maxWait.toMillis() / 1000.0);
			try (ResultSet rs = statement.executeQuery()) {
				if (!rs.next()) {
					return Optional.empty();
				}
				return Optional.of(new Throttle(NAME, Throttle.Response.STOP, String.format(Locale.ROOT,
						"%s of %s (pid %d, %s) has been running for %.0f s; the backfill waits for it, at most %d s "
								+ "(backfill.throttle.maxVacuumWait)",
						rs.getBoolean(4) ? "an autovacuum" : "a VACUUM", rs.getString(2), rs.getInt(1), rs.getString(3),
						rs.getDouble(5), this.maxWait.toSeconds())));
			}
		}
	}

}

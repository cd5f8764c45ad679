package dev.zdm.core.backfill;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * A transaction of this database has held back the xmin horizon for too long: until it ends, vacuum cannot
 * remove the row versions the backfill leaves behind, so the backfill would only bloat the table.
 */
final class LongTransactionSignal implements ThrottleSignal {

	static final String NAME = "long-transaction";

	private final Duration maxAge;

	LongTransactionSignal(Duration maxAge) {
		this.maxAge = maxAge;
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Optional<Throttle> check(Context context) throws SQLException {
		try (PreparedStatement statement = context.connection().prepareStatement("""
				SELECT pid, extract(epoch FROM clock_timestamp() - xact_start), coalesce(application_name, '')
				FROM pg_stat_activity
				WHERE datname = current_database() AND backend_xmin IS NOT NULL
				  AND xact_start < clock_timestamp() - make_interval(secs => ?)
				  AND pid <> pg_backend_pid() AND NOT (pid = ANY (CAST(? AS int[])))
				ORDER BY xact_start LIMIT 1""")) {
			statement.setDouble(1, this.maxAge.toMillis() / 1000.0);
			statement.setArray(2, context.pids());
			try (ResultSet rs = statement.executeQuery()) {
				if (!rs.next()) {
					return Optional.empty();
				}
				return Optional.of(new Throttle(NAME, Throttle.Response.STOP,
						String.format(java.util.Locale.ROOT, "the transaction of pid %d (%s) has been open for %.0f s, "
								+ "holding back vacuum; at most %d s allowed (backfill.throttle.maxTransactionAge)",
								rs.getInt(1), rs.getString(3), rs.getDouble(2), this.maxAge.toSeconds())));
			}
		}
	}

}

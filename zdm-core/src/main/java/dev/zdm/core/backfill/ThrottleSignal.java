package dev.zdm.core.backfill;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import dev.zdm.core.sql.QualifiedName;

/**
 * Something that tells a running backfill to slow down: when {@link #check} returns a {@link Throttle}, the
 * backfill responds to it until a later check returns empty. zdm ships signals for its own batch latency,
 * lock waiters, active sessions, replication lag, long transactions and vacuums ({@link ThrottleSettings}); a host
 * application adds its own (its request latency, a maintenance window) through
 * {@link ThrottleSettings#withSignal}.
 * <p>
 * Checks run every {@link ThrottleSettings#checkInterval()} on one thread of each instance; they must be
 * quick, and must not throw for a condition that merely cannot be read (return empty instead).
 */
public interface ThrottleSignal {

	/** The signal's name: lower case with dashes, the tag of its metric. */
	String name();

	/**
	 * Whether the backfill should slow down now.
	 * @param context what is being backfilled, and a connection for monitoring queries (autocommit)
	 */
	Optional<Throttle> check(Context context) throws SQLException;

	/**
	 * What a check can look at.
	 *
	 * @param connection a connection of zdm's data source in autocommit, for monitoring queries
	 * @param migrationId the migration
	 * @param tables the tables being backfilled
	 * @param ownPids the backend pids of this instance's backfill connections, which are not the application's
	 * @param lastBatchTime the longest of this instance's batches since the last check, or zero
	 */
	record Context(Connection connection, String migrationId, List<QualifiedName> tables, List<Integer> ownPids,
			Duration lastBatchTime) {

		/** The tables as a text array for {@code to_regclass}. */
		java.sql.Array tableNames() throws SQLException {
			return this.connection.createArrayOf("text", this.tables.stream().map(QualifiedName::quoted).toArray());
		}

		/** The own pids as an integer array. */
		java.sql.Array pids() throws SQLException {
			return this.connection.createArrayOf("int4", this.ownPids.toArray());
		}

	}

	/**
	 * A signal the host application supplies: {@code reason} returns why the backfill should slow down, or
	 * empty while it need not.
	 */
	static ThrottleSignal of(String name, Throttle.Response response, Supplier<Optional<String>> reason) {
		return new ThrottleSignal() {

			@Override
			public String name() {
				return name;
			}

			@Override
			public Optional<Throttle> check(Context context) {
				return reason.get().map((text) -> new Throttle(name, response, text));
			}

		};
	}

}

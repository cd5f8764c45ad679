package dev.zdm.core.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import dev.zdm.core.sql.QualifiedName;

/**
 * What the server is doing around migrated tables, for gauges: sessions waiting for their locks, and how far
 * standbys and replication slots are behind. Each method is one query.
 */
public final class ServerActivity {

	private final Connection connection;

	public ServerActivity(Connection connection) {
		this.connection = connection;
	}

	/**
	 * Per table, the sessions (other than this one) waiting for a lock while they hold or want a lock on it;
	 * tables that do not exist are absent, tables without waiters are zero.
	 */
	public Map<QualifiedName, Integer> lockWaiters(Collection<QualifiedName> tables) throws SQLException {
		Map<QualifiedName, Integer> waiters = new LinkedHashMap<>();
		if (tables.isEmpty()) {
			return waiters;
		}
		List<QualifiedName> list = List.copyOf(new LinkedHashSet<>(tables));
		try (PreparedStatement statement = this.connection.prepareStatement("""
				SELECT t.i, (SELECT count(DISTINCT l.pid) FROM pg_locks l
				             WHERE l.relation = to_regclass(t.name) AND l.pid <> pg_backend_pid()
				               AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
				               AND l.pid IN (SELECT w.pid FROM pg_locks w WHERE NOT w.granted))
				FROM unnest(CAST(? AS text[])) WITH ORDINALITY AS t(name, i)
				WHERE to_regclass(t.name) IS NOT NULL""")) {
			statement.setArray(1, this.connection.createArrayOf("text", list.stream().map(QualifiedName::quoted).toArray()));
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					waiters.put(list.get(rs.getInt(1) - 1), rs.getInt(2));
				}
			}
		}
		return waiters;
	}

	/**
	 * How far replication is behind: the replay lag of the slowest standby in seconds ({@code NaN} without
	 * standbys), and the WAL bytes the furthest-behind replication slot has not confirmed ({@code 0} without
	 * slots).
	 */
	public ReplicationLag replicationLag() throws SQLException {
		try (PreparedStatement statement = this.connection.prepareStatement("""
				SELECT (SELECT max(extract(epoch FROM replay_lag)) FROM pg_stat_replication),
				       (SELECT max(pg_wal_lsn_diff(pg_current_wal_lsn(), coalesce(confirmed_flush_lsn, restart_lsn)))::bigint
				        FROM pg_replication_slots
				        WHERE NOT pg_is_in_recovery() AND coalesce(confirmed_flush_lsn, restart_lsn) IS NOT NULL)""");
				ResultSet rs = statement.executeQuery()) {
			rs.next();
			double seconds = rs.getDouble(1);
			if (rs.wasNull()) {
				seconds = Double.NaN;
			}
			long bytes = rs.getLong(2);
			return new ReplicationLag(seconds, bytes);
		}
	}

	/**
	 * @param standbySeconds the replay lag of the slowest standby, in seconds, or {@code NaN} without standbys
	 * @param slotBytes the WAL bytes of the furthest-behind replication slot, or {@code 0}
	 */
	public record ReplicationLag(double standbySeconds, long slotBytes) {
	}

	/**
	 * What the server did around a set of tables at one moment.
	 *
	 * @param lockWaiters per table, the sessions waiting for locks on it
	 * @param replication how far replication is behind
	 */
	public record Snapshot(Map<QualifiedName, Integer> lockWaiters, ReplicationLag replication) {
	}

}

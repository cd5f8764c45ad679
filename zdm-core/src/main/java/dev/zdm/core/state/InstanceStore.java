package dev.zdm.core.state;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import dev.zdm.core.instance.Instance;
import dev.zdm.core.instance.Readiness;

/**
 * The {@code zdm_instance} table: one row per application instance, written by its heartbeats. Times are
 * the database's, so instances whose clocks differ still agree on who is live. The readiness map is a
 * {@code jsonb} object of migration id to {@link Readiness} name, built and read by PostgreSQL itself.
 */
public final class InstanceStore {

	private final DataSource dataSource;

	private final StateStore state;

	public InstanceStore(DataSource dataSource, StateStore state) {
		this.dataSource = dataSource;
		this.state = state;
	}

	private String table() {
		return this.state.table("zdm_instance");
	}

	/** Records a heartbeat of {@code instance}: inserts its row or refreshes it, {@code last_seen} now. */
	public void heartbeat(Instance instance) {
		List<String> migrations = new ArrayList<>(instance.readiness().keySet());
		List<String> levels = migrations.stream().map((id) -> instance.readiness().get(id).name()).toList();
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement statement = connection.prepareStatement("INSERT INTO " + table()
						+ " (id, host, version, started_at, last_seen, readiness) VALUES (?, ?, ?, ?, clock_timestamp(), "
						+ "jsonb_object(?::text[], ?::text[])) ON CONFLICT (id) DO UPDATE SET host = excluded.host, "
						+ "version = excluded.version, started_at = excluded.started_at, last_seen = excluded.last_seen, "
						+ "readiness = excluded.readiness")) {
			connection.setAutoCommit(true);
			statement.setString(1, instance.id());
			statement.setString(2, instance.host());
			statement.setString(3, instance.version());
			statement.setTimestamp(4, (instance.startedAt() != null) ? Timestamp.from(instance.startedAt()) : null);
			statement.setArray(5, connection.createArrayOf("text", migrations.toArray()));
			statement.setArray(6, connection.createArrayOf("text", levels.toArray()));
			statement.executeUpdate();
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not record the heartbeat of instance " + instance.id() + " in "
					+ table() + ": " + ex.getMessage(), ex);
		}
	}

	/** Deletes the row of instance {@code id}; false if it had none. */
	public boolean delete(String id) {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement statement = connection.prepareStatement("DELETE FROM " + table() + " WHERE id = ?")) {
			connection.setAutoCommit(true);
			statement.setString(1, id);
			return statement.executeUpdate() > 0;
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not remove instance " + id + " from " + table() + ": "
					+ ex.getMessage(), ex);
		}
	}

	/** Deletes the rows of instances not seen for longer than {@code age}; returns how many. */
	public int deleteSilentFor(Duration age) {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement statement = connection.prepareStatement("DELETE FROM " + table()
						+ " WHERE last_seen < clock_timestamp() - make_interval(secs => ?)")) {
			connection.setAutoCommit(true);
			statement.setDouble(1, age.toMillis() / 1000.0);
			return statement.executeUpdate();
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not delete expired instances from " + table() + ": "
					+ ex.getMessage(), ex);
		}
	}

	/** The instances seen within {@code timeout}, oldest start first. */
	public List<Instance> seenWithin(Duration timeout) {
		return select("WHERE last_seen >= clock_timestamp() - make_interval(secs => ?)", timeout);
	}

	/** Every instance of the table, live or not, oldest start first. */
	public List<Instance> all() {
		return select("", null);
	}

	private List<Instance> select(String where, Duration timeout) {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement statement = connection.prepareStatement("SELECT id, host, version, started_at, last_seen, "
						+ "ARRAY(SELECT key FROM jsonb_each_text(readiness) ORDER BY key), "
						+ "ARRAY(SELECT value FROM jsonb_each_text(readiness) ORDER BY key) FROM " + table() + " " + where
						+ " ORDER BY started_at NULLS LAST, id")) {
			if (timeout != null) {
				statement.setDouble(1, timeout.toMillis() / 1000.0);
			}
			List<Instance> instances = new ArrayList<>();
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					String[] migrations = strings(rs.getArray(6));
					String[] levels = strings(rs.getArray(7));
					Map<String, Readiness> readiness = new LinkedHashMap<>();
					for (int i = 0; i < migrations.length; i++) {
						readiness.put(migrations[i], readiness(levels[i]));
					}
					instances.add(new Instance(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs.getTimestamp(4)),
							instant(rs.getTimestamp(5)), readiness));
				}
			}
			return instances;
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not read the instances of " + table() + ": " + ex.getMessage(), ex);
		}
	}

	/** A level written by a newer zdm that this one does not know counts as the lowest. */
	private static Readiness readiness(String name) {
		try {
			return Readiness.valueOf(name);
		}
		catch (IllegalArgumentException ex) {
			return Readiness.UNAWARE;
		}
	}

	private static Instant instant(Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

	private static String[] strings(Array array) throws SQLException {
		if (array == null) {
			return new String[0];
		}
		Object[] values = (Object[]) array.getArray();
		String[] strings = new String[values.length];
		for (int i = 0; i < values.length; i++) {
			strings[i] = (String) values[i];
		}
		return strings;
	}

}

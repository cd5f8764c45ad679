package dev.zdm.core.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Optional;

/**
 * The {@code zdm_backfill_control} table: one row per migration whose backfill was paused, resumed,
 * cancelled or reported on. No row means running.
 */
public final class BackfillControls {

	private final StateStore state;

	public BackfillControls(StateStore state) {
		this.state = state;
	}

	/** The qualified, quoted name of the table. */
	public String table() {
		return this.state.table("zdm_backfill_control");
	}

	/** The control row of a migration, if it has one. */
	public Optional<BackfillControl> find(Connection connection, String migrationId) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("SELECT state, state_detail, changed_by, "
				+ "changed_at, batch_size, rows_per_second, throttle, throttle_reason, reported_by, reported_at FROM "
				+ table() + " WHERE migration_id = ?")) {
			statement.setString(1, migrationId);
			try (ResultSet rs = statement.executeQuery()) {
				if (!rs.next()) {
					return Optional.empty();
				}
				Integer batchSize = (Integer) rs.getObject(5);
				Double rate = (Double) rs.getObject(6);
				Timestamp reported = rs.getTimestamp(10);
				return Optional.of(new BackfillControl(rs.getString(1), rs.getString(2), rs.getString(3),
						rs.getTimestamp(4).toInstant(), batchSize, rate, rs.getString(7), rs.getString(8),
						rs.getString(9), (reported != null) ? reported.toInstant() : null));
			}
		}
	}

	/**
	 * Sets the state, in the caller's transaction; returns the state it replaced ({@code RUNNING} when there
	 * was no row).
	 */
	public String setState(Connection connection, String migrationId, String newState, String detail, String actor)
			throws SQLException {
		String previous = find(connection, migrationId).map(BackfillControl::state).orElse(BackfillControl.RUNNING);
		try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + table()
				+ " (migration_id, state, state_detail, changed_by, changed_at) VALUES (?, ?, ?, ?, now()) "
				+ "ON CONFLICT (migration_id) DO UPDATE SET state = excluded.state, state_detail = excluded.state_detail, "
				+ "changed_by = excluded.changed_by, changed_at = excluded.changed_at")) {
			statement.setString(1, migrationId);
			statement.setString(2, newState);
			statement.setString(3, detail);
			statement.setString(4, actor);
			statement.executeUpdate();
		}
		return previous;
	}

	/** Records what a running instance sees, in the caller's transaction. */
	public void report(Connection connection, String migrationId, int batchSize, double rowsPerSecond, String throttle,
			String reason, String actor) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + table()
				+ " (migration_id, state, batch_size, rows_per_second, throttle, throttle_reason, reported_by, reported_at)"
				+ " VALUES (?, 'RUNNING', ?, ?, ?, ?, ?, now()) ON CONFLICT (migration_id) DO UPDATE SET "
				+ "batch_size = excluded.batch_size, rows_per_second = excluded.rows_per_second, "
				+ "throttle = excluded.throttle, throttle_reason = excluded.throttle_reason, "
				+ "reported_by = excluded.reported_by, reported_at = excluded.reported_at")) {
			statement.setString(1, migrationId);
			statement.setInt(2, batchSize);
			statement.setDouble(3, rowsPerSecond);
			if (throttle != null) {
				statement.setString(4, throttle);
			}
			else {
				statement.setNull(4, Types.VARCHAR);
			}
			statement.setString(5, reason);
			statement.setString(6, actor);
			statement.executeUpdate();
		}
	}

	/** Deletes a migration's control row, in the caller's transaction. */
	public void delete(Connection connection, String migrationId) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("DELETE FROM " + table()
				+ " WHERE migration_id = ?")) {
			statement.setString(1, migrationId);
			statement.executeUpdate();
		}
	}

}

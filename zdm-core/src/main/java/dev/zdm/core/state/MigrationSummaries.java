package dev.zdm.core.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.zdm.core.migration.Phase;

/**
 * Every migration with its backfill ranges' totals and its backfill control row, read in one statement
 * whatever the number of migrations: what a list of migrations (an endpoint, a health check, a gauge
 * polled on every scrape) reads without the catalog.
 */
public final class MigrationSummaries {

	private final StateStore state;

	public MigrationSummaries(StateStore state) {
		this.state = state;
	}

	/** Every migration, oldest first. */
	public List<MigrationSummary> read(Connection connection) throws SQLException {
		String sql = "SELECT m.id, m.checksum, m.description, m.source, m.phase, m.error, m.created_at, m.updated_at, "
				+ "r.operation_index, r.ranges, r.ranges_done, r.rows_done, "
				+ "c.state, c.state_detail, c.changed_by, c.changed_at, c.batch_size, c.rows_per_second, c.throttle, "
				+ "c.throttle_reason, c.reported_by, c.reported_at FROM " + this.state.table("zdm_migration") + " m "
				+ "LEFT JOIN (SELECT migration_id, operation_index, count(*) AS ranges, count(*) FILTER (WHERE done) AS "
				+ "ranges_done, coalesce(sum(rows_done), 0) AS rows_done FROM " + this.state.table("zdm_backfill_range")
				+ " GROUP BY migration_id, operation_index) r ON r.migration_id = m.id "
				+ "LEFT JOIN " + this.state.table("zdm_backfill_control") + " c ON c.migration_id = m.id "
				+ "ORDER BY m.created_at, m.id, r.operation_index";
		Map<String, Builder> builders = new LinkedHashMap<>();
		try (PreparedStatement statement = connection.prepareStatement(sql); ResultSet rs = statement.executeQuery()) {
			while (rs.next()) {
				String id = rs.getString(1);
				Builder builder = builders.get(id);
				if (builder == null) {
					MigrationRecord record = new MigrationRecord(id, rs.getString(2), rs.getString(3), rs.getString(4),
							Phase.valueOf(rs.getString(5)), rs.getString(6), rs.getTimestamp(7).toInstant(),
							rs.getTimestamp(8).toInstant());
					BackfillControl control = null;
					if (rs.getString(13) != null) {
						Timestamp reported = rs.getTimestamp(22);
						control = new BackfillControl(rs.getString(13), rs.getString(14), rs.getString(15),
								rs.getTimestamp(16).toInstant(), (Integer) rs.getObject(17), (Double) rs.getObject(18),
								rs.getString(19), rs.getString(20), rs.getString(21),
								(reported != null) ? reported.toInstant() : null);
					}
					builder = new Builder(record, control);
					builders.put(id, builder);
				}
				if (rs.getObject(9) != null) {
					builder.passes.add(new PassTotals(rs.getInt(9), rs.getInt(10), rs.getInt(11), rs.getLong(12)));
				}
			}
		}
		List<MigrationSummary> summaries = new ArrayList<>(builders.size());
		builders.values().forEach((builder) -> summaries.add(
				new MigrationSummary(builder.record, List.copyOf(builder.passes), builder.control)));
		return summaries;
	}

	/**
	 * A migration as its state tables hold it.
	 *
	 * @param record the migration row
	 * @param passes the totals of its backfill ranges, per pass (by the index of the operation it serves); empty
	 * before its backfill was planned and after it ended
	 * @param control its backfill control row, or {@code null}
	 */
	public record MigrationSummary(MigrationRecord record, List<PassTotals> passes, BackfillControl control) {
	}

	/**
	 * The ranges of one backfill pass.
	 *
	 * @param operationIndex the index (from 1) of the operation the pass serves first
	 * @param ranges ranges planned
	 * @param rangesDone ranges finished
	 * @param rowsDone rows written
	 */
	public record PassTotals(int operationIndex, int ranges, int rangesDone, long rowsDone) {
	}

	private static final class Builder {

		private final MigrationRecord record;

		private final BackfillControl control;

		private final List<PassTotals> passes = new ArrayList<>();

		Builder(MigrationRecord record, BackfillControl control) {
			this.record = record;
			this.control = control;
		}

	}

}

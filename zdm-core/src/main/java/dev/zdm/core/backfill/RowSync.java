package dev.zdm.core.backfill;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import dev.zdm.core.transform.RowTransform;

/**
 * The application-side sync of one {@link TransformTarget.Pass} in one direction, with its statements built
 * once: an application keeps one per migration operation and direction and calls it on every write.
 * Thread-safe (it holds no state between calls).
 */
public final class RowSync {

	private final TransformBatch batch;

	RowSync(TransformTarget.Pass pass, boolean down) {
		this.batch = new TransformBatch(pass, down);
	}

	/**
	 * Keeps the rows of {@code keys} in step, in the caller's transaction: locks them ({@code FOR UPDATE}),
	 * computes the new columns from the old ({@link RowTransform#up}) or, for a sync built with {@code down},
	 * the old from the new ({@link RowTransform#down}), and writes back in one statement the rows whose values
	 * differ. The same computation as the backfill's, so the two cannot disagree.
	 * @param keys the rows' primary keys, each with one value per key column (in the key's order), in
	 * PostgreSQL's text form, without duplicates
	 * @return the number of rows written
	 * @throws SQLException if a key has not one value per key column (SQLSTATE {@code 22023}), the transform
	 * fails on a row ({@code 22000}, naming the row) or a statement does
	 */
	public int sync(Connection connection, List<String[]> keys) throws SQLException {
		return this.batch.sync(connection, keys).updated();
	}

	/**
	 * Keeps one row in step, as {@link #sync}, when the caller knows the values it has just written into the
	 * columns the transform reads ({@code written}, by column name; it may hold other columns too): computes
	 * from them and writes in one statement, which also returns what the row holds in those columns; only
	 * when that is not what was computed from (equal Java values) does it compute again from the row and
	 * write again, in the same transaction. The row ends as {@link #sync} would leave it, in one round trip
	 * instead of two when the values are the driver's ({@code String}, {@code Integer}, {@code Long},
	 * {@code Boolean}, {@code UUID}, {@code BigDecimal}, {@code Double}, {@code Float} or {@code null});
	 * otherwise, or for a primary key of several columns, it is {@link #sync}.
	 * @param key the row's primary key, one value per key column (in the key's order), in PostgreSQL's text form
	 * @return the number of rows written
	 * @throws SQLException as {@link #sync}
	 */
	public int sync(Connection connection, String[] key, Map<String, Object> written) throws SQLException {
		return this.batch.syncWritten(connection, key, written).updated();
	}

}

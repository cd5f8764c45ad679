package dev.zdm.core.transform;

import java.util.Map;

/**
 * Computes columns of a row in Java, for the changes SQL cannot express well (splitting a name, encrypting a
 * value): {@link #up} the new columns from the old ones, {@link #down} the old columns from the new ones, for
 * the way back. A plan names a transform ({@code transform: splitName}); the orchestrator finds it by that
 * name in its {@link TransformRegistry}.
 * <p>
 * zdm calls a transform for each row of a backfill batch and of a verification batch, from one thread at a
 * time per batch but from several threads (and instances) at once: it must be stateless, and deterministic,
 * since verification computes the values again and compares them with what the table holds.
 * <p>
 * Values are JDBC values as the PostgreSQL driver reads them ({@link String}, {@link Integer}, {@link Long},
 * {@link java.math.BigDecimal}, {@link Boolean}, {@link java.util.UUID}, {@link java.sql.Timestamp}, ...) or
 * {@code null}. The values a transform gives are written as text and cast by PostgreSQL to the column's
 * type, so give each as its natural Java type (or its PostgreSQL text form); {@code byte[]} is written as
 * {@code bytea}.
 */
public interface RowTransform {

	/**
	 * The new columns of one row.
	 * @param old the columns the operation replaces (its {@code from}), by name
	 * @return a value (or {@code null}) for every new column (its {@code to}), by name
	 * @throws RuntimeException if the row cannot be transformed; zdm stops and reports the row's key
	 */
	Map<String, Object> up(Map<String, Object> old);

	/**
	 * The old columns of one row, from its new columns: what application-side sync writes into the old
	 * shape after switch. By default a transform only goes one way.
	 * @param current the new columns, by name
	 * @return a value for every old column, by name
	 */
	default Map<String, Object> down(Map<String, Object> current) {
		throw new UnsupportedOperationException(getClass().getName() + " does not compute the old columns from the new");
	}

}

package dev.zdm.core.catalog;

/**
 * An index found by its name, with its table and the constraint it backs, if any.
 *
 * @param oid the index's oid
 * @param schema the index's schema (its table's)
 * @param name the index's name
 * @param tableSchema the table's schema
 * @param table the table's name
 * @param definition {@code pg_get_indexdef}
 * @param constraint the constraint the index backs, or {@code null}
 * @param constraintType that constraint's {@code contype}: {@code p}, {@code u} or {@code x}; or {@code null}
 * @param valid whether the index is valid
 * @param partitioned whether it is the index of a partitioned table (which cannot be dropped concurrently)
 */
public record NamedIndex(long oid, String schema, String name, String tableSchema, String table, String definition,
		String constraint, String constraintType, boolean valid, boolean partitioned) {
}

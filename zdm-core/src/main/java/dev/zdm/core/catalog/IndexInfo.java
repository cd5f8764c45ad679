package dev.zdm.core.catalog;

/**
 * An index on a table, with the unique constraint it backs, if any.
 *
 * @param oid the index's oid
 * @param name the index's name
 * @param definition {@code pg_get_indexdef}: {@code CREATE UNIQUE INDEX ... ON ... USING ...}
 * @param constraint the name of the unique constraint the index backs, or {@code null}
 * @param deferrable whether that constraint is deferrable
 * @param initiallyDeferred whether that constraint is initially deferred
 */
public record IndexInfo(long oid, String name, String definition, String constraint, boolean deferrable,
		boolean initiallyDeferred) {
}

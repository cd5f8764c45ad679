package dev.zdm.core.catalog;

/**
 * A database object that depends on a column (an index, a constraint, a view, a trigger, an owned sequence).
 *
 * @param kind the catalog that holds it ({@code pg_class}, {@code pg_constraint}, {@code pg_rewrite}, ...)
 * @param oid its oid
 * @param description PostgreSQL's description of it ({@code index users_email_key})
 * @param constraintType for a constraint, its {@code contype}; otherwise {@code null}
 */
public record ColumnDependent(String kind, long oid, String description, String constraintType) {
}

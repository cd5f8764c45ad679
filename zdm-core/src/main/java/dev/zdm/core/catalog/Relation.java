package dev.zdm.core.catalog;

/**
 * A relation of any kind (table, view, index, sequence...), as {@code pg_class} describes it.
 *
 * @param oid its oid
 * @param schema its schema
 * @param name its name
 * @param kind {@code pg_class.relkind}: {@code r} a table, {@code v} a view, ...
 * @param comment its comment, or {@code null}
 */
public record Relation(long oid, String schema, String name, String kind, String comment) {

	/** Whether it is a view. */
	public boolean isView() {
		return "v".equals(this.kind);
	}

}

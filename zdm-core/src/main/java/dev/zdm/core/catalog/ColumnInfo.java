package dev.zdm.core.catalog;

/**
 * A column as the catalog describes it.
 *
 * @param name the column name
 * @param position the attribute number
 * @param type the formatted type ({@code character varying(50)})
 * @param notNull whether the column is {@code NOT NULL}
 * @param defaultExpression the default expression, or {@code null}
 * @param identity whether it is an identity column
 * @param generated whether it is a generated column
 */
public record ColumnInfo(String name, int position, String type, boolean notNull, String defaultExpression,
		boolean identity, boolean generated) {
}

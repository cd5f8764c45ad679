package dev.zdm.core.catalog;

/**
 * A schema as the catalog describes it.
 *
 * @param name its name
 * @param owner the role that owns it
 * @param comment its comment ({@code COMMENT ON SCHEMA}), or {@code null}
 */
public record SchemaInfo(String name, String owner, String comment) {
}

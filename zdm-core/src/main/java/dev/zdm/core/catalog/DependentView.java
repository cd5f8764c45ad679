package dev.zdm.core.catalog;

/**
 * A view that reads a table.
 *
 * @param schema the view's schema
 * @param name the view's name
 * @param ruleOid the oid of its {@code _RETURN} rule: what {@link CatalogReader#dependents} lists for it
 * @param comment its comment, or {@code null}
 */
public record DependentView(String schema, String name, long ruleOid, String comment) {
}

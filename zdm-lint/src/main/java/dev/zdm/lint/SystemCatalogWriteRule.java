package dev.zdm.lint;


/**
 * ZDM043: Write to a system catalog.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM043.sql} of zdm-lint's test resources.
 */
final class SystemCatalogWriteRule {

	private SystemCatalogWriteRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM043", "Write to a system catalog", Severity.ERROR, "ROW EXCLUSIVE on the catalog",
				"Writing pg_catalog tables directly bypasses every check the DDL commands make: caches, dependent"
						+ " objects and other catalogs are not updated, which can corrupt the database or crash sessions;"
						+ " it also needs superuser.",
				"Use the DDL command that makes the change (ALTER TABLE, ALTER TYPE, COMMENT, ...).",
				(context, reporter) -> {
					if (context.parsed() instanceof ParsedStatement.DataChange change && change.writesSystemCatalog()) {
						reporter.report(null, "catalog " + change.table(), change.verb() + " of system catalog "
								+ change.table() + " bypasses PostgreSQL's own checks");
					}
				});
	}

}

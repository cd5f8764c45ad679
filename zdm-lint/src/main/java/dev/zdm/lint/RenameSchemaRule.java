package dev.zdm.lint;


/**
 * ZDM041: RENAME SCHEMA.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM041.sql} of zdm-lint's test resources.
 */
final class RenameSchemaRule {

	private RenameSchemaRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM041", "RENAME SCHEMA", Severity.ERROR, "ACCESS EXCLUSIVE on the schema (brief)",
				"Instant for the database, but every query of the running version that names the schema, or finds its"
						+ " tables through search_path, fails until every instance runs the new version.",
				"Keep the old schema name, or create the new schema and move tables with zdm's renameTable (a view"
						+ " keeps each old name) until nothing uses the old schema.",
				(context, reporter) -> {
					if (context.parsed() instanceof ParsedStatement.RenameSchema rename) {
						reporter.report(null, "schema " + rename.schema(), "RENAME SCHEMA " + rename.schema() + " to "
								+ rename.newName() + " breaks every query that still names the old schema");
					}
				});
	}

}

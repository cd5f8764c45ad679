package dev.zdm.lint;


/**
 * ZDM046: DROP SCHEMA ... CASCADE.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM046.sql} of zdm-lint's test resources.
 */
final class DropSchemaCascadeRule {

	private DropSchemaCascadeRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM046", "DROP SCHEMA ... CASCADE", Severity.ERROR, "ACCESS EXCLUSIVE on every object dropped",
				"Drops every table, view, function and type in the schema, with their data, and every object elsewhere"
						+ " that depends on them: far more than the statement names.",
				"Drop the objects you mean one by one (each reviewed, zdm's dropTable for tables), then DROP SCHEMA"
						+ " without CASCADE, which refuses while anything is left.",
				(context, reporter) -> {
					if (context.parsed() instanceof ParsedStatement.DropSchema drop && drop.cascade()) {
						reporter.report(null, "every object in schema " + drop.schemas(), "DROP SCHEMA " + drop.schemas()
								+ " CASCADE drops every object in it, data included, and what depends on them");
					}
				});
	}

}

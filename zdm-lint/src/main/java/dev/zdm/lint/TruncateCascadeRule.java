package dev.zdm.lint;

import dev.zdm.lint.ParsedStatement.Name;

/**
 * ZDM026: TRUNCATE ... CASCADE.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM026.sql} of zdm-lint's test resources.
 */
final class TruncateCascadeRule {

	private TruncateCascadeRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM026", "TRUNCATE ... CASCADE", Severity.ERROR, "ACCESS EXCLUSIVE",
				"Empties every table that references this one through a foreign key, recursively: data in tables"
						+ " the statement does not name is lost.",
				"Name every table to truncate explicitly, or delete the rows you mean in batches.",
				(context, reporter) -> {
					if (context.parsed() instanceof ParsedStatement.Truncate truncate && truncate.cascade()) {
						reporter.report(null, "tables " + truncate.tables() + " and all referencing tables",
								"TRUNCATE " + truncate.tables() + " CASCADE also empties every table referencing them");
					}
				});
	}

}

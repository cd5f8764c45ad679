package dev.zdm.lint;

import dev.zdm.lint.ParsedStatement.Name;

/**
 * ZDM019: DROP TABLE.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM019.sql} of zdm-lint's test resources.
 */
final class DropTableRule {

	private DropTableRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM019", "DROP TABLE", Severity.ERROR, "ACCESS EXCLUSIVE",
				"Destroys data for good, and instances still running the previous version fail on the missing table.",
				"Stop using the table in one release, rename it aside or keep it, and drop it in a later release"
						+ " (zdm's dropTable); allow with '-- zdm:allow ZDM019 <reason>' once nothing uses it.",
				(context, reporter) -> {
					if (context.parsed() instanceof ParsedStatement.DropTable drop) {
						for (Name table : drop.tables()) {
							if (!context.isNew(table)) {
								reporter.report(table.at(), "table " + table, "DROP TABLE " + table
										+ ((drop.cascade() ? " CASCADE" : "")) + " destroys its data and breaks code still using it");
							}
						}
					}
				});
	}

}

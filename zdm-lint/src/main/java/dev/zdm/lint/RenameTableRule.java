package dev.zdm.lint;


/**
 * ZDM017: RENAME TABLE.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM017.sql} of zdm-lint's test resources.
 */
final class RenameTableRule {

	private RenameTableRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM017", "RENAME TABLE", Severity.ERROR, "ACCESS EXCLUSIVE (brief)",
				"Instant for the database, but instances still running the previous version query the old name and"
						+ " fail.",
				"Use zdm's renameTable: rename and leave an updatable view under the old name until every instance"
						+ " runs the new version, then drop the view.",
				(context, reporter) -> RuleSupport.onAction(context, ParsedStatement.RenameTable.class, (action, table) -> reporter
					.report(action.at(), "table " + table, "RENAME TABLE " + table + " to "
							+ ((ParsedStatement.RenameTable) action).newName() + " breaks code that uses the old name")));
	}

}

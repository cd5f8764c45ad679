package dev.zdm.lint;


/**
 * ZDM036: ALTER TABLE that rewrites the table.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM036.sql} of zdm-lint's test resources.
 */
final class RewriteRule {

	private RewriteRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM036", "ALTER TABLE that rewrites the table", Severity.ERROR, "ACCESS EXCLUSIVE",
				"SET LOGGED/UNLOGGED, SET TABLESPACE, SET ACCESS METHOD and SET EXPRESSION copy every row while reads"
						+ " and writes are blocked.",
				"Build a copy online (new table, sync trigger, batched backfill, switch-over) or use pg_repack;"
						+ " allow it only for small tables.",
				(context, reporter) -> RuleSupport.onAction(context, ParsedStatement.Rewrite.class, (action, table) -> reporter
					.report(action.at(), "table " + table, ((ParsedStatement.Rewrite) action).what() + " rewrites "
							+ table + " under ACCESS EXCLUSIVE")));
	}

}

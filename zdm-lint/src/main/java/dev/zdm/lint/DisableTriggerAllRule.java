package dev.zdm.lint;


/**
 * ZDM044: DISABLE TRIGGER ALL.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM044.sql} of zdm-lint's test resources.
 */
final class DisableTriggerAllRule {

	private DisableTriggerAllRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM044", "DISABLE TRIGGER ALL", Severity.ERROR, "SHARE ROW EXCLUSIVE",
				"ALL includes the internal triggers that enforce foreign keys: rows every session writes meanwhile are"
						+ " not checked, and the constraint stays marked valid while it is violated. The lock blocks writes"
						+ " while it waits.",
				"Disable only the user trigger you mean (DISABLE TRIGGER <name>), or skip triggers in one session only"
						+ " with SET session_replication_role = replica.",
				(context, reporter) -> RuleSupport.onAction(context, ParsedStatement.DisableTrigger.class, (action, table) -> {
					if (((ParsedStatement.DisableTrigger) action).which().equals("all")) {
						reporter.report(action.at(), "table " + table, "DISABLE TRIGGER ALL on " + table
								+ " also turns off its foreign-key checks for every session");
					}
				}));
	}

}

package dev.zdm.lint;


/**
 * ZDM032: Enum value rename.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM032.sql} of zdm-lint's test resources.
 */
final class EnumRenameRule {

	private EnumRenameRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM032", "Enum value rename", Severity.ERROR, "ACCESS EXCLUSIVE on the type (brief)",
				"Instant, but instances still running the previous version read and write the old label and fail.",
				"Add the new value (ALTER TYPE ... ADD VALUE), migrate rows with zdm's backfill, switch the code, and"
						+ " stop using the old value; labels cannot be removed online, so plan for both to exist.",
				(context, reporter) -> {
					if (context.parsed() instanceof ParsedStatement.AlterType alter && alter.action().equals("rename value")) {
						reporter.report(null, "type " + alter.type(), "ALTER TYPE " + alter.type()
								+ " RENAME VALUE breaks code that still uses the old label");
					}
				});
	}

}

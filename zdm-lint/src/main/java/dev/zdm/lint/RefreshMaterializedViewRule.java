package dev.zdm.lint;


/**
 * ZDM038: REFRESH MATERIALIZED VIEW without CONCURRENTLY.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM038.sql} of zdm-lint's test resources.
 */
final class RefreshMaterializedViewRule {

	private RefreshMaterializedViewRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM038", "REFRESH MATERIALIZED VIEW without CONCURRENTLY", Severity.WARNING,
				"ACCESS EXCLUSIVE on the view",
				"Every read of the view is blocked for the whole refresh.",
				"Give the view a unique index and use REFRESH MATERIALIZED VIEW CONCURRENTLY.",
				(context, reporter) -> {
					if (context.parsed() instanceof ParsedStatement.RefreshMaterializedView refresh && !refresh.concurrently()) {
						reporter.report(null, "materialized view " + refresh.view(), "REFRESH MATERIALIZED VIEW "
								+ refresh.view() + " blocks reads of the view while it runs");
					}
				});
	}

}

package dev.zdm.lint;


/**
 * ZDM023: VACUUM FULL.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM023.sql} of zdm-lint's test resources.
 */
final class VacuumFullRule {

	private VacuumFullRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM023", "VACUUM FULL", Severity.ERROR, "ACCESS EXCLUSIVE",
				"Rewrites the whole table while every read and write on it is blocked.",
				"Let autovacuum work, or use pg_repack/pg_squeeze to reclaim space online.",
				(context, reporter) -> {
					if (context.parsed() instanceof ParsedStatement.Vacuum vacuum && vacuum.full()) {
						reporter.report(null, vacuum.tables().isEmpty() ? "every table" : "table " + vacuum.tables().get(0),
								"VACUUM FULL rewrites " + (vacuum.tables().isEmpty() ? "every table of the database"
										: vacuum.tables()) + " under ACCESS EXCLUSIVE");
					}
				});
	}

}

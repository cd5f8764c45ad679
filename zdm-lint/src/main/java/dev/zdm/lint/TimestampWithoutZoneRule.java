package dev.zdm.lint;


/**
 * ZDM040: timestamp without time zone.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM040.sql} of zdm-lint's test resources.
 */
final class TimestampWithoutZoneRule {

	private TimestampWithoutZoneRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM040", "timestamp without time zone", Severity.WARNING, "none (design)",
				"A timestamp without time zone means different instants on servers or sessions in different time"
						+ " zones, and fixing it later (to timestamptz) rewrites the table unless the session zone is UTC.",
				"Declare the column timestamptz.",
				(context, reporter) -> {
					for (RuleSupport.DeclaredType declared : RuleSupport.declaredTypes(context)) {
						if (declared.type().isOneOf("timestamp")) {
							reporter.report(declared.column().at(), null, "Column " + declared.column()
									+ " is timestamp without time zone; use timestamptz");
						}
					}
				});
	}

}

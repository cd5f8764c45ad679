package dev.zdm.lint;


/**
 * ZDM029: json instead of jsonb.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM029.sql} of zdm-lint's test resources.
 */
final class JsonRule {

	private JsonRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM029", "json instead of jsonb", Severity.WARNING, "none (design)",
				"json is stored as text and re-parsed on every access, has no equality operator (SELECT DISTINCT,"
						+ " UNION and GROUP BY fail) and no GIN index support; changing it later rewrites the table.",
				"Declare the column jsonb.",
				(context, reporter) -> {
					for (RuleSupport.DeclaredType declared : RuleSupport.declaredTypes(context)) {
						if (declared.type().isOneOf("json")) {
							reporter.report(declared.column().at(), null, "Column " + declared.column()
									+ " is json; use jsonb");
						}
					}
				});
	}

}

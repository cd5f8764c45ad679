package dev.zdm.lint;

import dev.zdm.lint.ParsedStatement.AlterAction;

/**
 * ZDM035: VALIDATE CONSTRAINT in the transaction that added it NOT VALID.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM035.sql} of zdm-lint's test resources.
 */
final class ValidateInSameTransactionRule {

	private ValidateInSameTransactionRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM035", "VALIDATE CONSTRAINT in the transaction that added it NOT VALID",
				Severity.WARNING, "ACCESS EXCLUSIVE or SHARE ROW EXCLUSIVE (held from the ADD)",
				"The ADD's strong lock is held until commit, so the validation scan runs under it: NOT VALID buys"
						+ " nothing.",
				"Commit between ADD ... NOT VALID and VALIDATE CONSTRAINT (separate changesets or migrations); zdm's"
						+ " addForeignKey/addCheckConstraint/setNotNull do.",
				(context, reporter) -> {
					for (AlterAction each : context.alterActions()) {
						if (each instanceof ParsedStatement.ValidateConstraint validate
								&& context.addedNotValidInTransaction(validate.name())) {
							reporter.report(validate.at(), "table " + context.alteredTable(), "VALIDATE CONSTRAINT "
									+ validate.name() + " runs in the transaction that added it NOT VALID");
						}
					}
				});
	}

}

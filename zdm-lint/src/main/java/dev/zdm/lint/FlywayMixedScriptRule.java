package dev.zdm.lint;

/**
 * ZDM047: a Flyway script that mixes statements PostgreSQL refuses in a transaction with others.
 *
 * <p>
 * Only in runs whose plain SQL scripts run as one transaction ({@link LintOptions#scriptsRunInTransaction()},
 * Flyway's way). Its cases are in {@code lint/rules/ZDM047.sql} of zdm-lint's test resources.
 */
final class FlywayMixedScriptRule {

	private FlywayMixedScriptRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM047", "Flyway script mixing non-transactional statements with others", Severity.ERROR,
				"none (the migration fails)",
				"Flyway runs a script that holds a statement PostgreSQL refuses in a transaction (CREATE INDEX"
						+ " CONCURRENTLY, VACUUM, ...) outside a transaction, and by default (mixed=false) refuses a script"
						+ " that also holds other statements: the deploy fails. With mixed=true every statement of the"
						+ " script autocommits, so a failure halfway leaves the script half-applied.",
				"Put the statement in a migration of its own, which Flyway runs outside a transaction; or use zdm's"
						+ " createIndex/dropIndex operations, which do this.",
				(context, reporter) -> {
					if (context.mixedTransactionScript() && !context.inTransaction()
							&& !LintRun.flywayRunsInTransaction(context.statement(), context.targetVersion())) {
						reporter.report(null, null, "Flyway runs this statement outside a transaction and, with the"
								+ " script's other statements, refuses the script unless 'mixed' is true: give it a"
								+ " migration of its own");
					}
				});
	}

}

package dev.zdm.lint;

import dev.zdm.lint.ParsedStatement.DropIndex;

/**
 * ZDM002: DROP INDEX without CONCURRENTLY.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM002.sql} of zdm-lint's test resources.
 */
final class DropIndexRule {

	private DropIndexRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM002", "DROP INDEX without CONCURRENTLY", Severity.ERROR, "ACCESS EXCLUSIVE",
				"Waits behind every running query on the table, and every later query on the table queues behind"
						+ " it: reads and writes stop until it is done.",
				"Use zdm's dropIndex operation, or DROP INDEX CONCURRENTLY outside a transaction.",
				(context, reporter) -> {
					if (context.parsed() instanceof DropIndex drop && !drop.concurrently()) {
						drop.indexes().stream().filter((index) -> !context.isNewIndex(index)).findFirst()
							.ifPresent((index) -> reporter.report(null, "the table of index " + index,
									"DROP INDEX " + index + " without CONCURRENTLY locks its table against reads and writes"));
					}
				});
	}

}

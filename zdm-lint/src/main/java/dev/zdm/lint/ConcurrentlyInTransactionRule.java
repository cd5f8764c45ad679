package dev.zdm.lint;

import dev.zdm.lint.ParsedStatement.CreateIndex;
import dev.zdm.lint.ParsedStatement.DetachPartition;
import dev.zdm.lint.ParsedStatement.DropIndex;
import dev.zdm.lint.ParsedStatement.Reindex;

/**
 * ZDM004: CONCURRENTLY inside a transaction.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM004.sql} of zdm-lint's test resources.
 */
final class ConcurrentlyInTransactionRule {

	private ConcurrentlyInTransactionRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM004", "CONCURRENTLY inside a transaction", Severity.ERROR, "none (the statement fails)",
				"PostgreSQL refuses CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY and DETACH PARTITION"
						+ " CONCURRENTLY inside a transaction block: the migration fails at deploy time.",
				"Run the statement on its own, outside a transaction: a Liquibase changeset with"
						+ " runInTransaction=\"false\", or zdm's createIndex/dropIndex operations which do this.",
				(context, reporter) -> {
					if (!context.inTransaction()) {
						return;
					}
					ParsedStatement parsed = context.parsed();
					boolean concurrently = (parsed instanceof CreateIndex create && create.concurrently())
							|| (parsed instanceof DropIndex drop && drop.concurrently())
							|| (parsed instanceof Reindex reindex && reindex.concurrently())
							|| context.alterActions().stream().anyMatch((action) -> action instanceof DetachPartition detach
									&& detach.concurrently());
					if (concurrently) {
						reporter.report(null, null,
								"CONCURRENTLY cannot run inside a transaction block: this statement will fail");
					}
				});
	}

}

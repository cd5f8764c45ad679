package dev.zdm.lint;

import java.util.List;

import dev.zdm.lint.ParsedStatement.CreateIndex;
import dev.zdm.lint.ParsedStatement.DetachPartition;
import dev.zdm.lint.ParsedStatement.DropIndex;
import dev.zdm.lint.ParsedStatement.Reindex;

/** Rules on building, dropping and rebuilding indexes. */
final class IndexRules {

	private IndexRules() {
	}

	static List<BuiltInRule> rules() {
		return List.of(createIndex(), dropIndex(), reindex(), concurrentlyInTransaction());
	}

	static BuiltInRule createIndex() {
		return new BuiltInRule("ZDM001", "CREATE INDEX without CONCURRENTLY", Severity.ERROR, "SHARE",
				"Blocks every INSERT, UPDATE and DELETE on the table for the whole index build, which takes minutes"
						+ " on a large table.",
				"Use zdm's createIndex operation, or CREATE INDEX CONCURRENTLY outside a transaction (then check"
						+ " pg_index.indisvalid; drop and retry an invalid index).",
				(context, reporter) -> {
					// ON ONLY builds nothing: it creates an invalid index on the partitioned parent alone, the
					// first step of building a partitioned index online.
					if (context.parsed() instanceof CreateIndex create && !create.concurrently() && !create.only()
							&& !context.isNew(create.table())) {
						reporter.report(null, "table " + create.table(), "CREATE INDEX on existing table "
								+ create.table() + " without CONCURRENTLY blocks writes during the build");
					}
				});
	}

	static BuiltInRule dropIndex() {
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

	static BuiltInRule reindex() {
		return new BuiltInRule("ZDM003", "REINDEX without CONCURRENTLY", Severity.ERROR,
				"ACCESS EXCLUSIVE on the index, SHARE on the table",
				"Blocks writes to the table and every query that would use the index while it is rebuilt.",
				"PostgreSQL 12+: REINDEX ... CONCURRENTLY outside a transaction. Before 12: zdm's createIndex for a"
						+ " copy of the index, then dropIndex of the old one.",
				(context, reporter) -> {
					if (context.parsed() instanceof Reindex reindex && !reindex.concurrently()) {
						// PostgreSQL refuses CONCURRENTLY for system catalogs: REINDEX SYSTEM has no online form.
						String hint = reindex.target().equals("system")
								? "system catalogs cannot be reindexed CONCURRENTLY: run it in a maintenance window"
								: (context.targetVersion() >= 12) ? "use REINDEX " + reindex.target().toUpperCase()
								+ " CONCURRENTLY" : "PostgreSQL " + context.targetVersion()
										+ " has no REINDEX CONCURRENTLY: build a new index concurrently and drop the old one";
						reporter.report(null, reindex.target() + " " + reindex.name(),
								"REINDEX " + reindex.target().toUpperCase() + " " + reindex.name()
										+ " locks out writes and index scans; " + hint);
					}
				});
	}

	static BuiltInRule concurrentlyInTransaction() {
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

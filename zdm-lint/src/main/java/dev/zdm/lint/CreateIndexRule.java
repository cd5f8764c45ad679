package dev.zdm.lint;

import dev.zdm.lint.ParsedStatement.CreateIndex;

/**
 * ZDM001: CREATE INDEX without CONCURRENTLY.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM001.sql} of zdm-lint's test resources.
 */
final class CreateIndexRule {

	private CreateIndexRule() {
	}

	static BuiltInRule rule() {
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

}

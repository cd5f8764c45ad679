package dev.zdm.lint;


/**
 * ZDM024: CLUSTER.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM024.sql} of zdm-lint's test resources.
 */
final class ClusterRule {

	private ClusterRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM024", "CLUSTER", Severity.ERROR, "ACCESS EXCLUSIVE",
				"Rewrites the table in index order while every read and write on it is blocked.",
				"Use pg_repack --order-by to reorder online, or skip it: the order decays with writes anyway.",
				(context, reporter) -> {
					if (context.parsed() instanceof ParsedStatement.Cluster cluster && !context.isNew(cluster.table())) {
						reporter.report(null, (cluster.table() != null) ? "table " + cluster.table() : "every clustered table",
								"CLUSTER rewrites " + ((cluster.table() != null) ? cluster.table() : "every clustered table")
										+ " under ACCESS EXCLUSIVE");
					}
				});
	}

}

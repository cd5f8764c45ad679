package dev.zdm.lint;


/**
 * ZDM028: UPDATE or DELETE of a whole table in a schema migration.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM028.sql} of zdm-lint's test resources.
 */
final class DataChangeRule {

	private DataChangeRule() {
	}

	static BuiltInRule rule() {
		return new BuiltInRule("ZDM028", "UPDATE or DELETE of a whole table in a schema migration", Severity.WARNING,
				"ROW EXCLUSIVE on the table, a row lock on every row changed",
				"One transaction touches every row: it blocks concurrent updates of those rows until commit, bloats"
						+ " the table, can run for a long time, and holds back the migration's DDL locks.",
				"Use zdm's backfill: batches of a few thousand rows, each in its own short transaction, resumable.",
				(context, reporter) -> {
					if (context.parsed() instanceof ParsedStatement.DataChange change && change.touchesEveryRow()
							&& !context.isNew(change.table()) && !change.writesSystemCatalog()) {
						String rows = (change.where() == null) ? "every row" : "every row where "
								+ change.where().get(0).text() + " IS NULL";
						reporter.report(null, "table " + change.table(), change.verb() + " of " + rows + " of "
								+ change.table() + " in one transaction; backfill in batches instead");
					}
				});
	}

}

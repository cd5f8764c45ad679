package dev.zdm.lint;

import java.util.List;
import java.util.function.BiConsumer;

import dev.zdm.lint.ParsedStatement.AlterAction;
import dev.zdm.lint.ParsedStatement.Name;

/** Rules on whole-table operations: rename, drop, truncate, rewrite, partitions, explicit locks. */
final class TableRules {

	private TableRules() {
	}

	static List<BuiltInRule> rules() {
		return List.of(renameTable(), dropTable(), vacuumFull(), cluster(), detachPartition(), truncateCascade(),
				rewrite(), lockTable(), refreshMaterializedView(), attachPartition(), renameSchema(), disableTriggerAll(),
				dropSchemaCascade());
	}

	private static <A extends AlterAction> void onAction(StatementContext context, Class<A> type,
			BiConsumer<A, Name> action) {
		context.eachOnExistingTable(type, action);
	}

	static BuiltInRule renameTable() {
		return new BuiltInRule("ZDM017", "RENAME TABLE", Severity.ERROR, "ACCESS EXCLUSIVE (brief)",
				"Instant for the database, but instances still running the previous version query the old name and"
						+ " fail.",
				"Use zdm's renameTable: rename and leave an updatable view under the old name until every instance"
						+ " runs the new version, then drop the view.",
				(context, reporter) -> onAction(context, ParsedStatement.RenameTable.class, (action, table) -> reporter
					.report(action.at(), "table " + table, "RENAME TABLE " + table + " to "
							+ ((ParsedStatement.RenameTable) action).newName() + " breaks code that uses the old name")));
	}

	static BuiltInRule renameSchema() {
		return new BuiltInRule("ZDM041", "RENAME SCHEMA", Severity.ERROR, "ACCESS EXCLUSIVE on the schema (brief)",
				"Instant for the database, but every query of the running version that names the schema, or finds its"
						+ " tables through search_path, fails until every instance runs the new version.",
				"Keep the old schema name, or create the new schema and move tables with zdm's renameTable (a view"
						+ " keeps each old name) until nothing uses the old schema.",
				(context, reporter) -> {
					if (context.parsed() instanceof ParsedStatement.RenameSchema rename) {
						reporter.report(null, "schema " + rename.schema(), "RENAME SCHEMA " + rename.schema() + " to "
								+ rename.newName() + " breaks every query that still names the old schema");
					}
				});
	}

	static BuiltInRule disableTriggerAll() {
		return new BuiltInRule("ZDM044", "DISABLE TRIGGER ALL", Severity.ERROR, "SHARE ROW EXCLUSIVE",
				"ALL includes the internal triggers that enforce foreign keys: rows every session writes meanwhile are"
						+ " not checked, and the constraint stays marked valid while it is violated. The lock blocks writes"
						+ " while it waits.",
				"Disable only the user trigger you mean (DISABLE TRIGGER <name>), or skip triggers in one session only"
						+ " with SET session_replication_role = replica.",
				(context, reporter) -> onAction(context, ParsedStatement.DisableTrigger.class, (action, table) -> {
					if (((ParsedStatement.DisableTrigger) action).which().equals("all")) {
						reporter.report(action.at(), "table " + table, "DISABLE TRIGGER ALL on " + table
								+ " also turns off its foreign-key checks for every session");
					}
				}));
	}

	static BuiltInRule dropSchemaCascade() {
		return new BuiltInRule("ZDM046", "DROP SCHEMA ... CASCADE", Severity.ERROR, "ACCESS EXCLUSIVE on every object dropped",
				"Drops every table, view, function and type in the schema, with their data, and every object elsewhere"
						+ " that depends on them: far more than the statement names.",
				"Drop the objects you mean one by one (each reviewed, zdm's dropTable for tables), then DROP SCHEMA"
						+ " without CASCADE, which refuses while anything is left.",
				(context, reporter) -> {
					if (context.parsed() instanceof ParsedStatement.DropSchema drop && drop.cascade()) {
						reporter.report(null, "every object in schema " + drop.schemas(), "DROP SCHEMA " + drop.schemas()
								+ " CASCADE drops every object in it, data included, and what depends on them");
					}
				});
	}

	static BuiltInRule dropTable() {
		return new BuiltInRule("ZDM019", "DROP TABLE", Severity.ERROR, "ACCESS EXCLUSIVE",
				"Destroys data for good, and instances still running the previous version fail on the missing table.",
				"Stop using the table in one release, rename it aside or keep it, and drop it in a later release"
						+ " (zdm's dropTable); allow with '-- zdm:allow ZDM019 <reason>' once nothing uses it.",
				(context, reporter) -> {
					if (context.parsed() instanceof ParsedStatement.DropTable drop) {
						for (Name table : drop.tables()) {
							if (!context.isNew(table)) {
								reporter.report(table.at(), "table " + table, "DROP TABLE " + table
										+ ((drop.cascade() ? " CASCADE" : "")) + " destroys its data and breaks code still using it");
							}
						}
					}
				});
	}

	static BuiltInRule vacuumFull() {
		return new BuiltInRule("ZDM023", "VACUUM FULL", Severity.ERROR, "ACCESS EXCLUSIVE",
				"Rewrites the whole table while every read and write on it is blocked.",
				"Let autovacuum work, or use pg_repack/pg_squeeze to reclaim space online.",
				(context, reporter) -> {
					if (context.parsed() instanceof ParsedStatement.Vacuum vacuum && vacuum.full()) {
						reporter.report(null, vacuum.tables().isEmpty() ? "every table" : "table " + vacuum.tables().get(0),
								"VACUUM FULL rewrites " + (vacuum.tables().isEmpty() ? "every table of the database"
										: vacuum.tables()) + " under ACCESS EXCLUSIVE");
					}
				});
	}

	static BuiltInRule cluster() {
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

	static BuiltInRule detachPartition() {
		return new BuiltInRule("ZDM025", "DETACH PARTITION without CONCURRENTLY", Severity.ERROR,
				"ACCESS EXCLUSIVE on the parent",
				"Blocks every read and write on the whole partitioned table until running queries finish.",
				"PostgreSQL 14+: ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY outside a transaction. Before 14:"
						+ " run it with a short lock_timeout and retries.",
				(context, reporter) -> onAction(context, ParsedStatement.DetachPartition.class, (action, table) -> {
					ParsedStatement.DetachPartition detach = (ParsedStatement.DetachPartition) action;
					if (!detach.concurrently() && !detach.finalizeDetach()) {
						String hint = (context.targetVersion() >= 14) ? "use DETACH PARTITION ... CONCURRENTLY"
								: "PostgreSQL " + context.targetVersion()
										+ " has no CONCURRENTLY form: run it with a short lock_timeout and retry";
						reporter.report(action.at(), "table " + table, "DETACH PARTITION " + detach.partition()
								+ " locks all of " + table + " against reads and writes; " + hint);
					}
				}));
	}

	static BuiltInRule truncateCascade() {
		return new BuiltInRule("ZDM026", "TRUNCATE ... CASCADE", Severity.ERROR, "ACCESS EXCLUSIVE",
				"Empties every table that references this one through a foreign key, recursively: data in tables"
						+ " the statement does not name is lost.",
				"Name every table to truncate explicitly, or delete the rows you mean in batches.",
				(context, reporter) -> {
					if (context.parsed() instanceof ParsedStatement.Truncate truncate && truncate.cascade()) {
						reporter.report(null, "tables " + truncate.tables() + " and all referencing tables",
								"TRUNCATE " + truncate.tables() + " CASCADE also empties every table referencing them");
					}
				});
	}

	static BuiltInRule rewrite() {
		return new BuiltInRule("ZDM036", "ALTER TABLE that rewrites the table", Severity.ERROR, "ACCESS EXCLUSIVE",
				"SET LOGGED/UNLOGGED, SET TABLESPACE, SET ACCESS METHOD and SET EXPRESSION copy every row while reads"
						+ " and writes are blocked.",
				"Build a copy online (new table, sync trigger, batched backfill, switch-over) or use pg_repack;"
						+ " allow it only for small tables.",
				(context, reporter) -> onAction(context, ParsedStatement.Rewrite.class, (action, table) -> reporter
					.report(action.at(), "table " + table, ((ParsedStatement.Rewrite) action).what() + " rewrites "
							+ table + " under ACCESS EXCLUSIVE")));
	}

	static BuiltInRule lockTable() {
		return new BuiltInRule("ZDM037", "Explicit LOCK TABLE", Severity.WARNING, "the mode named (ACCESS EXCLUSIVE by default)",
				"Holds the lock until the end of the transaction; a strong mode blocks reads and writes for all of it.",
				"Take the weakest mode that does the job, keep the transaction short, and set lock_timeout first.",
				(context, reporter) -> {
					if (context.parsed() instanceof ParsedStatement.LockTable lock) {
						LockMode mode = context.strongestLockOnExisting();
						if (mode != null && mode.blocksWrites()) {
							reporter.report(null, "tables " + lock.tables(), "LOCK TABLE " + lock.tables() + " IN "
									+ mode.sqlName() + " MODE blocks writes until the transaction ends");
						}
					}
				});
	}

	static BuiltInRule refreshMaterializedView() {
		return new BuiltInRule("ZDM038", "REFRESH MATERIALIZED VIEW without CONCURRENTLY", Severity.WARNING,
				"ACCESS EXCLUSIVE on the view",
				"Every read of the view is blocked for the whole refresh.",
				"Give the view a unique index and use REFRESH MATERIALIZED VIEW CONCURRENTLY.",
				(context, reporter) -> {
					if (context.parsed() instanceof ParsedStatement.RefreshMaterializedView refresh && !refresh.concurrently()) {
						reporter.report(null, "materialized view " + refresh.view(), "REFRESH MATERIALIZED VIEW "
								+ refresh.view() + " blocks reads of the view while it runs");
					}
				});
	}

	static BuiltInRule attachPartition() {
		return new BuiltInRule("ZDM039", "ATTACH PARTITION without a matching CHECK", Severity.WARNING,
				"SHARE UPDATE EXCLUSIVE on the parent, ACCESS EXCLUSIVE on the partition",
				"Scans the whole partition to prove its rows fit the bounds, holding ACCESS EXCLUSIVE on it (and on a"
						+ " default partition, which is scanned too).",
				"First ADD a CHECK constraint matching the bounds NOT VALID and VALIDATE it; ATTACH then skips the"
						+ " scan; drop the CHECK afterwards.",
				(context, reporter) -> onAction(context, ParsedStatement.AttachPartition.class, (action, table) -> {
					ParsedStatement.AttachPartition attach = (ParsedStatement.AttachPartition) action;
					if (attach.partition() != null && !context.isNew(attach.partition())) {
						reporter.report(action.at(), "partition " + attach.partition(), "ATTACH PARTITION "
								+ attach.partition() + " scans it under ACCESS EXCLUSIVE unless a valid CHECK matches the bounds");
					}
				}));
	}

}

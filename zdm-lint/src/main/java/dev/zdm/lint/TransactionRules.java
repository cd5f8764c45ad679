package dev.zdm.lint;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.zdm.lint.ParsedStatement.AddColumn;
import dev.zdm.lint.ParsedStatement.AlterAction;
import dev.zdm.lint.ParsedStatement.CreateIndex;
import dev.zdm.lint.ParsedStatement.DropIndex;

/** Rules on how statements are grouped, guarded and retried. */
final class TransactionRules {

	private TransactionRules() {
	}

	static List<BuiltInRule> rules() {
		return List.of(severalAccessExclusive(), missingLockTimeout(), notIdempotent(), enumValueInTransaction());
	}

	static BuiltInRule severalAccessExclusive() {
		return new BuiltInRule("ZDM021", "Several ACCESS EXCLUSIVE statements in one transaction", Severity.WARNING,
				"ACCESS EXCLUSIVE, held until commit",
				"Each lock is held until the transaction commits, so the first table stays blocked while the later"
						+ " statements wait for their own locks: the outage adds up, and lock-order deadlocks appear.",
				"One ACCESS EXCLUSIVE statement per transaction (one changeset, one migration), each with a"
						+ " lock_timeout; zdm runs each DDL step in its own short transaction.",
				(context, reporter) -> {
					Set<String> others = context.accessExclusiveHeldWhileWaiting();
					if (context.inTransaction() && !others.isEmpty()
							&& context.strongestLockOnExisting() == LockMode.ACCESS_EXCLUSIVE) {
						reporter.report(null, null, "This ACCESS EXCLUSIVE statement waits for its lock while the"
								+ " transaction already holds ACCESS EXCLUSIVE on " + String.join(", ", others)
								+ " until commit");
					}
				});
	}

	static BuiltInRule missingLockTimeout() {
		return new BuiltInRule("ZDM022", "No lock_timeout before a blocking statement", Severity.WARNING,
				"the statement's lock, while it waits",
				"A statement waiting for its lock behind one long query makes every later query on the table queue"
						+ " behind it: a one-millisecond DDL becomes a minutes-long outage.",
				"SET lock_timeout = '2s' (or SET LOCAL in the transaction) before the statement and retry on"
						+ " timeout; zdm's executor does this for every step.",
				(context, reporter) -> {
					LockMode mode = context.strongestLockOnExisting();
					if (mode != null && mode.blocksWrites() && !context.lockTimeoutSet()) {
						reporter.report(null, null, "No lock_timeout is set before this statement, which needs "
								+ mode.sqlName() + ": while it waits, every query on the table queues behind it"
								+ " (reported once per file)");
					}
				});
	}

	static BuiltInRule notIdempotent() {
		return new BuiltInRule("ZDM033", "Not idempotent where a retry is likely", Severity.WARNING, "none",
				"CONCURRENTLY builds fail half-way (deadlock, unique violation, timeout) and leave an INVALID index;"
						+ " a non-transactional changeset that fails half-way has committed its first statements. The"
						+ " retry then fails on 'already exists' / 'does not exist'.",
				"Write IF NOT EXISTS / IF EXISTS, and drop an INVALID index before rebuilding it; zdm's createIndex"
						+ " checks pg_index.indisvalid for you.",
				(context, reporter) -> {
					ParsedStatement parsed = context.parsed();
					if (parsed instanceof CreateIndex create && create.concurrently() && !create.ifNotExists()) {
						reporter.report(null, null, "CREATE INDEX CONCURRENTLY without IF NOT EXISTS: a failed build"
								+ " leaves an INVALID index and the retry fails with 'already exists'");
						return;
					}
					if (!context.nonTransactionalBatch()) {
						return;
					}
					if (parsed instanceof CreateIndex create && !create.ifNotExists()) {
						reporter.report(null, null, "CREATE INDEX without IF NOT EXISTS in a non-transactional changeset fails on retry");
					}
					else if (parsed instanceof DropIndex drop && !drop.ifExists()) {
						reporter.report(null, null, "DROP INDEX without IF EXISTS in a non-transactional changeset fails on retry");
					}
					else if (parsed instanceof ParsedStatement.CreateTable create && !context.statement().text()
						.toLowerCase(Locale.ROOT).contains("if not exists")) {
						reporter.report(null, null, "CREATE TABLE " + create.table()
								+ " without IF NOT EXISTS in a non-transactional changeset fails on retry");
					}
					for (AlterAction action : context.alterActions()) {
						if (action instanceof AddColumn add && !add.ifNotExists()) {
							reporter.report(action.at(), null, "ADD COLUMN " + add.column().name()
									+ " without IF NOT EXISTS in a non-transactional changeset fails on retry");
						}
					}
				});
	}

	static BuiltInRule enumValueInTransaction() {
		return new BuiltInRule("ZDM034", "ALTER TYPE ... ADD VALUE inside a transaction (PostgreSQL < 12)",
				Severity.ERROR, "none (the statement fails)",
				"Before PostgreSQL 12, ALTER TYPE ... ADD VALUE cannot run inside a transaction block; from 12 on"
						+ " it can, but the new value cannot be used before commit.",
				"Run it on its own outside a transaction (runInTransaction=\"false\"), with IF NOT EXISTS.",
				(context, reporter) -> {
					if (context.parsed() instanceof ParsedStatement.AlterType alter && alter.action().equals("add value")
							&& context.inTransaction() && context.targetVersion() < 12) {
						reporter.report(null, "type " + alter.type(), "ALTER TYPE " + alter.type()
								+ " ADD VALUE fails inside a transaction block on PostgreSQL " + context.targetVersion());
					}
				});
	}

}

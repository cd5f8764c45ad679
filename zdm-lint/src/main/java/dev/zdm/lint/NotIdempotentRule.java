package dev.zdm.lint;

import java.util.Locale;

import dev.zdm.lint.ParsedStatement.AddColumn;
import dev.zdm.lint.ParsedStatement.AlterAction;
import dev.zdm.lint.ParsedStatement.CreateIndex;
import dev.zdm.lint.ParsedStatement.CreateTable;
import dev.zdm.lint.ParsedStatement.DropIndex;

/**
 * ZDM033: Not idempotent where a retry is likely.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM033.sql} of zdm-lint's test resources.
 */
final class NotIdempotentRule {

	private NotIdempotentRule() {
	}

	static BuiltInRule rule() {
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

}

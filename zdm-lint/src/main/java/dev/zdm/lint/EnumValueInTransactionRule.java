package dev.zdm.lint;


/**
 * ZDM034: ALTER TYPE ... ADD VALUE inside a transaction (PostgreSQL < 12).
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM034.sql} of zdm-lint's test resources.
 */
final class EnumValueInTransactionRule {

	private EnumValueInTransactionRule() {
	}

	static BuiltInRule rule() {
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

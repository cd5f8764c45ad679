package dev.zdm.lint;

import java.util.List;
import java.util.function.BiConsumer;

import dev.zdm.lint.ParsedStatement.AddColumn;
import dev.zdm.lint.ParsedStatement.AlterAction;
import dev.zdm.lint.ParsedStatement.AlterColumnType;
import dev.zdm.lint.ParsedStatement.ColumnDefinition;
import dev.zdm.lint.ParsedStatement.Generated;
import dev.zdm.lint.ParsedStatement.Name;

/** Rules on adding, changing, renaming and dropping columns of existing tables. */
final class ColumnRules {

	private ColumnRules() {
	}

	static List<BuiltInRule> rules() {
		return List.of(rewritingDefault(), storedGenerated(), serialOrIdentity(), notNullWithoutDefault(),
				typeChange(), renameColumn(), dropColumn(), typeChangeRechecks(), charColumn());
	}

	static BuiltInRule rewritingDefault() {
		return new BuiltInRule("ZDM011", "ADD COLUMN with a default that rewrites the table", Severity.ERROR,
				"ACCESS EXCLUSIVE",
				"A volatile default (random(), gen_random_uuid(), clock_timestamp(), ...) must be computed per row,"
						+ " so the whole table is rewritten while reads and writes are blocked. Before PostgreSQL 11 any"
						+ " non-NULL default did this.",
				"Use zdm's addColumn with a backfill: add the column without default (or with a constant one), set"
						+ " the default for new rows, and fill existing rows in batches.",
				(context, reporter) -> context.eachOnExistingTable(AddColumn.class, (add, table) -> {
					ColumnDefinition column = add.column();
					String function = DefaultExpressions.volatileFunction(column.defaultExpression());
					if (function != null) {
						reporter.report(add.at(), "table " + table, "ADD COLUMN " + column.name() + " with default "
								+ function + "(), which is or may be volatile, rewrites " + table);
					}
					else if (context.targetVersion() < 11 && !DefaultExpressions.isNullOrAbsent(column.defaultExpression())) {
						reporter.report(add.at(), "table " + table, "ADD COLUMN " + column.name()
								+ " with a default rewrites " + table + " on PostgreSQL " + context.targetVersion()
								+ " (constant defaults are instant only from 11)");
					}
				}));
	}

	static BuiltInRule storedGenerated() {
		return new BuiltInRule("ZDM012", "ADD COLUMN ... GENERATED ALWAYS AS (...) STORED", Severity.ERROR,
				"ACCESS EXCLUSIVE",
				"The generated value is computed and stored for every existing row: the table is rewritten while"
						+ " reads and writes are blocked.",
				"Add a plain column, fill it in batches with zdm's backfill and keep it current with a trigger; on"
						+ " PostgreSQL 18 a VIRTUAL generated column is computed on read and added instantly.",
				(context, reporter) -> context.eachOnExistingTable(AddColumn.class, (add, table) -> {
					if (add.column().generated() == Generated.STORED) {
						reporter.report(add.at(), "table " + table, "ADD COLUMN " + add.column().name()
								+ " GENERATED ... STORED rewrites " + table);
					}
					else if (add.column().generated() == Generated.VIRTUAL && context.targetVersion() < 18) {
						reporter.report(add.at(), "table " + table, "ADD COLUMN " + add.column().name()
								+ " GENERATED without STORED needs PostgreSQL 18 (virtual columns); on "
								+ context.targetVersion() + " it must be STORED, which rewrites " + table);
					}
				}));
	}

	static BuiltInRule serialOrIdentity() {
		return new BuiltInRule("ZDM013", "ADD COLUMN serial or identity", Severity.ERROR, "ACCESS EXCLUSIVE",
				"Every existing row needs its own sequence value: the table is rewritten while reads and writes are"
						+ " blocked.",
				"Add a nullable bigint column, attach a sequence default for new rows, backfill existing rows in"
						+ " batches (zdm's addColumn with backfill), then make it NOT NULL with zdm's setNotNull.",
				(context, reporter) -> context.eachOnExistingTable(AddColumn.class, (add, table) -> {
					ColumnDefinition column = add.column();
					if (column.generated() == Generated.IDENTITY || (column.type() != null && column.type().isSerial())) {
						reporter.report(add.at(), "table " + table, "ADD COLUMN " + column.name() + " "
								+ ((column.generated() == Generated.IDENTITY) ? "GENERATED AS IDENTITY" : column.type())
								+ " fills every row of " + table + " and rewrites it");
					}
				}));
	}

	static BuiltInRule notNullWithoutDefault() {
		return new BuiltInRule("ZDM014", "ADD COLUMN NOT NULL without a default", Severity.ERROR, "ACCESS EXCLUSIVE",
				"Fails as soon as the table has a row, and code of the previous version that inserts without the"
						+ " column fails once it exists.",
				"Use zdm's addColumn: add it nullable (or with a constant default), backfill, then zdm's setNotNull.",
				(context, reporter) -> context.eachOnExistingTable(AddColumn.class, (add, table) -> {
					ColumnDefinition column = add.column();
					boolean filled = column.generated() != Generated.NONE
							|| (column.type() != null && column.type().isSerial());
					if (column.notNull() && DefaultExpressions.isNullOrAbsent(column.defaultExpression()) && !filled) {
						reporter.report(add.at(), "table " + table, "ADD COLUMN " + column.name()
								+ " NOT NULL without a default fails on a non-empty " + table);
					}
				}));
	}

	static BuiltInRule typeChange() {
		return new BuiltInRule("ZDM015", "ALTER COLUMN TYPE that rewrites the table", Severity.ERROR, "ACCESS EXCLUSIVE",
				"Unless the old and new types are binary coercible (varchar(n) to a longer varchar or text, numeric"
						+ " precision growth with the same scale, cidr to inet), every row and index is rewritten while"
						+ " reads and writes are blocked.",
				"Use zdm's changeColumnType: a new column, a sync trigger, a batched backfill, then a switch-over.",
				(context, reporter) -> context.eachOnExistingTable(AlterColumnType.class, (change, table) -> {
						if (change.column() == null) {
							return;
						}
						DataType old = context.schema().columnType(table.key(), change.column().name());
						String column = table + "." + change.column();
						if (old == null) {
							reporter.report(change.at(), "table " + table, "Type change of " + column + " to "
									+ change.type() + " cannot be proven free of a rewrite: its current type is unknown to"
									+ " the linter (lint the migration that created it in the same run)");
						}
						else if (change.using() || !rewriteFree(context, old, change.type())) {
							String note = (old.isOneOf("timestamp") && change.type().isOneOf("timestamptz")
									&& context.targetVersion() >= 12)
											? " (PostgreSQL 12+ skips the rewrite only if the session TimeZone is UTC:"
													+ " SET timezone = 'UTC' before it)" : "";
							reporter.report(change.at(), "table " + table, "Type change of " + column + " from " + old
									+ " to " + change.type() + " rewrites the table and its indexes" + note);
						}
				}));
	}

	/**
	 * Whether PostgreSQL changes the type without a rewrite: binary coercible types, or timestamp to
	 * timestamptz on 12+ when the session's zone is UTC (the values then mean the same instants).
	 */
	private static boolean rewriteFree(StatementContext context, DataType old, DataType target) {
		if (old.changesWithoutRewriteTo(target)) {
			return true;
		}
		return old.isOneOf("timestamp") && target.isOneOf("timestamptz") && old.array() == target.array()
				&& context.targetVersion() >= 12 && context.sessionTimeZoneUtc();
	}

	static BuiltInRule typeChangeRechecks() {
		return new BuiltInRule("ZDM042", "ALTER COLUMN TYPE that re-checks a CHECK constraint", Severity.ERROR,
				"ACCESS EXCLUSIVE",
				"Even when the new type needs no rewrite (numeric(10,2) to numeric(12,2), varchar widening), PostgreSQL"
						+ " re-validates every CHECK constraint that reads the column, scanning the whole table while reads"
						+ " and writes are blocked.",
				"Drop the CHECK, change the type, then add the CHECK back NOT VALID and VALIDATE CONSTRAINT it in a"
						+ " separate transaction (zdm's addCheckConstraint does this).",
				(context, reporter) -> context.eachOnExistingTable(AlterColumnType.class, (change, table) -> {
					if (change.column() == null || change.using()) {
						return;
					}
					KnownSchema.Table known = context.schema().table(table.key());
					DataType old = context.schema().columnType(table.key(), change.column().name());
					if (known != null && old != null && rewriteFree(context, old, change.type())
							&& !old.equals(change.type()) && known.validatedCheckReads(change.column().name())) {
						reporter.report(change.at(), "table " + table, "Type change of " + table + "." + change.column()
								+ " from " + old + " to " + change.type() + " needs no rewrite but re-checks every row"
								+ " against the CHECK constraints on the column");
					}
				}));
	}

	static BuiltInRule charColumn() {
		return new BuiltInRule("ZDM045", "char(n) column", Severity.WARNING, "none (design)",
				"char(n) pads every value with blanks to n characters, compares and concatenates with surprising"
						+ " results, is no faster than text, and changing it later to text or varchar rewrites the table.",
				"Declare the column text or varchar(n) (with a CHECK on the length if it must be fixed).",
				(context, reporter) -> {
					for (ColumnDefinition column : declaredColumns(context)) {
						if (column.type() != null && column.type().isOneOf("char") && !column.type().text().startsWith("\"")) {
							reporter.report(column.name().at(), null, "Column " + column.name() + " is " + column.type()
									+ ", which pads with blanks; use text or varchar");
						}
					}
				});
	}

	/** The columns a CREATE TABLE or ADD COLUMN declares. */
	private static List<ColumnDefinition> declaredColumns(StatementContext context) {
		List<ColumnDefinition> columns = new java.util.ArrayList<>();
		if (context.parsed() instanceof ParsedStatement.CreateTable create) {
			columns.addAll(create.columns());
		}
		for (AlterAction action : context.alterActions()) {
			if (action instanceof AddColumn add) {
				columns.add(add.column());
			}
		}
		columns.removeIf((column) -> column.name() == null);
		return columns;
	}

	static BuiltInRule renameColumn() {
		return new BuiltInRule("ZDM016", "RENAME COLUMN", Severity.ERROR, "ACCESS EXCLUSIVE (brief)",
				"Instant for the database, but every instance still running the previous version queries the old name"
						+ " and fails until it is replaced.",
				"Use zdm's renameColumn: expand with the new column kept in sync (or a view), switch readers and"
						+ " writers, then contract.",
				(context, reporter) -> context.eachOnExistingTable(ParsedStatement.RenameColumn.class,
						(rename, table) -> reporter.report(rename.at(), "table " + table, "RENAME COLUMN " + table + "."
								+ rename.column() + " to " + rename.newName() + " breaks code that still uses the old name")));
	}

	static BuiltInRule dropColumn() {
		return new BuiltInRule("ZDM018", "DROP COLUMN", Severity.ERROR, "ACCESS EXCLUSIVE (brief)",
				"Instant for the database, but instances still running the previous version select or insert the"
						+ " column and fail.",
				"Use zdm's dropColumn: stop reading and writing the column in one release (expand), drop it in a"
						+ " later one (contract).",
				(context, reporter) -> context.eachOnExistingTable(ParsedStatement.DropColumn.class,
						(drop, table) -> reporter.report(drop.at(), "table " + table, "DROP COLUMN " + table + "."
								+ drop.column() + " breaks code of the previous version that still uses it")));
	}

}

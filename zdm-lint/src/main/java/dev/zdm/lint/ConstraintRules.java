package dev.zdm.lint;

import java.util.List;
import java.util.function.BiConsumer;

import dev.zdm.lint.ParsedStatement.AddColumn;
import dev.zdm.lint.ParsedStatement.AddConstraint;
import dev.zdm.lint.ParsedStatement.AlterAction;
import dev.zdm.lint.ParsedStatement.ColumnDefinition;
import dev.zdm.lint.ParsedStatement.ConstraintDefinition;
import dev.zdm.lint.ParsedStatement.CreateTable;
import dev.zdm.lint.ParsedStatement.Name;
import dev.zdm.lint.ParsedStatement.Reference;

/** Rules on adding, validating and dropping constraints. */
final class ConstraintRules {

	private ConstraintRules() {
	}

	static List<BuiltInRule> rules() {
		return List.of(validatedForeignKey(), validatedCheck(), setNotNull(), addUnique(), addPrimaryKey(),
				exclusionConstraint(), dropNotNull(), foreignKeyTypeMismatch(), validateInSameTransaction());
	}

	/** Calls back for each ADD CONSTRAINT of the given kind on an existing table. */
	private static void onAddedConstraint(StatementContext context, String kind, BiConsumer<AddConstraint, Name> action) {
		context.eachOnExistingTable(AddConstraint.class, (add, table) -> {
			if (add.constraint().kind().equals(kind)) {
				action.accept(add, table);
			}
		});
	}

	/** Calls back for each ADD COLUMN on an existing table whose inline constraints match. */
	private static void onAddedColumnWith(StatementContext context, java.util.function.Predicate<ColumnDefinition> which,
			BiConsumer<AddColumn, Name> action) {
		context.eachOnExistingTable(AddColumn.class, (add, table) -> {
			if (which.test(add.column())) {
				action.accept(add, table);
			}
		});
	}

	static BuiltInRule validatedForeignKey() {
		return new BuiltInRule("ZDM005", "Foreign key validated on an existing table", Severity.ERROR,
				"SHARE ROW EXCLUSIVE",
				"Scans the whole table to check every row while writes to it and to the referenced table are blocked.",
				"Use zdm's addForeignKey operation: ADD CONSTRAINT ... NOT VALID (instant), then VALIDATE CONSTRAINT"
						+ " in a separate transaction (SHARE UPDATE EXCLUSIVE, writes go on).",
				(context, reporter) -> {
					onAddedConstraint(context, "FOREIGN KEY", (add, table) -> {
						if (!add.constraint().notValid()) {
							String referenced = (add.constraint().references() != null)
									? add.constraint().references().table().toString() : "the referenced table";
							reporter.report(add.at(), "tables " + table + " and " + referenced,
									"Foreign key on existing table " + table + " is validated while writes to " + table
											+ " and " + referenced + " are blocked; add it NOT VALID and VALIDATE it separately");
						}
					});
					onAddedColumnWith(context, (column) -> column.references() != null, (add, table) -> reporter.report(add.at(), "tables " + table + " and " + add.column().references().table(),
									"ADD COLUMN " + add.column().name() + " ... REFERENCES validates a foreign key on existing table "
											+ table + "; add the column, then the foreign key NOT VALID, then VALIDATE"));
				});
	}

	static BuiltInRule validatedCheck() {
		return new BuiltInRule("ZDM006", "CHECK constraint validated on an existing table", Severity.ERROR,
				"ACCESS EXCLUSIVE",
				"Scans the whole table to check every row while all reads and writes on it are blocked.",
				"Use zdm's addCheckConstraint operation: ADD CONSTRAINT ... CHECK (...) NOT VALID, then VALIDATE"
						+ " CONSTRAINT in a separate transaction.",
				(context, reporter) -> {
					onAddedConstraint(context, "CHECK", (add, table) -> {
						if (!add.constraint().notValid()) {
							reporter.report(add.at(), "table " + table, "CHECK constraint on existing table " + table
									+ " is validated under ACCESS EXCLUSIVE; add it NOT VALID and VALIDATE it separately");
						}
					});
					onAddedColumnWith(context, ColumnDefinition::check, (add, table) -> reporter.report(add.at(),
							"table " + table, "ADD COLUMN " + add.column().name() + " with a CHECK scans existing table "
									+ table + " under ACCESS EXCLUSIVE"));
				});
	}

	static BuiltInRule setNotNull() {
		return new BuiltInRule("ZDM007", "SET NOT NULL on an existing column", Severity.ERROR, "ACCESS EXCLUSIVE",
				"Scans the whole table to prove no NULL exists while all reads and writes on it are blocked.",
				"Use zdm's setNotNull operation: ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID, VALIDATE it,"
						+ " then SET NOT NULL, which PostgreSQL 12+ proves from the valid CHECK without a scan, then drop"
						+ " the CHECK. PostgreSQL 18: ADD CONSTRAINT ... NOT NULL col NOT VALID, then VALIDATE.",
				(context, reporter) -> context.eachOnExistingTable(AlterAction.class, (each, table) -> {
						KnownSchema.Table known = context.schema().table(table.key());
						String column = null;
						if (each instanceof ParsedStatement.SetNotNull set && set.column() != null) {
							column = set.column().name();
						}
						else if (each instanceof AddConstraint add && add.constraint().kind().equals("NOT NULL")
								&& !add.constraint().notValid() && !add.constraint().columns().isEmpty()) {
							column = add.constraint().columns().get(0);
						}
						if (column == null) {
							return;
						}
						boolean proven = known != null && known.provenNotNull.contains(column);
						if (proven && context.targetVersion() >= 12) {
							return;
						}
						String why = proven ? "; PostgreSQL " + context.targetVersion()
								+ " cannot use the valid CHECK (IS NOT NULL) to skip the scan (12+ can)" : "";
						reporter.report(each.at(), "table " + table, "SET NOT NULL on " + table + "." + column
								+ " scans the table under ACCESS EXCLUSIVE" + why);
				}));
	}

	static BuiltInRule addUnique() {
		return new BuiltInRule("ZDM008", "ADD UNIQUE without USING INDEX", Severity.ERROR, "ACCESS EXCLUSIVE",
				"Builds the unique index while all reads and writes on the table are blocked.",
				"Use zdm's addUniqueConstraint operation: CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ..."
						+ " UNIQUE USING INDEX (instant).",
				(context, reporter) -> {
					onAddedConstraint(context, "UNIQUE", (add, table) -> {
						if (!add.constraint().usingIndex()) {
							reporter.report(add.at(), "table " + table, "ADD UNIQUE on existing table " + table
									+ " builds its index under ACCESS EXCLUSIVE; build it concurrently and ADD ... USING INDEX");
						}
					});
					onAddedColumnWith(context, ColumnDefinition::unique, (add, table) -> reporter.report(add.at(),
							"table " + table, "ADD COLUMN " + add.column().name() + " ... UNIQUE builds a unique index on"
									+ " existing table " + table + " under ACCESS EXCLUSIVE; add the column, then the index"
									+ " concurrently, then ADD ... USING INDEX"));
				});
	}

	static BuiltInRule addPrimaryKey() {
		return new BuiltInRule("ZDM009", "ADD PRIMARY KEY without USING INDEX", Severity.ERROR, "ACCESS EXCLUSIVE",
				"Builds the unique index, and checks NOT NULL on every key column, while all reads and writes on the"
						+ " table are blocked.",
				"CREATE UNIQUE INDEX CONCURRENTLY (zdm's createIndex with unique), make the columns NOT NULL with"
						+ " zdm's setNotNull, then ADD CONSTRAINT ... PRIMARY KEY USING INDEX.",
				(context, reporter) -> {
					onAddedConstraint(context, "PRIMARY KEY", (add, table) -> {
						if (!add.constraint().usingIndex()) {
							reporter.report(add.at(), "table " + table, "ADD PRIMARY KEY on existing table " + table
									+ " builds its index under ACCESS EXCLUSIVE; build it concurrently and ADD ... USING INDEX");
						}
					});
					onAddedColumnWith(context, ColumnDefinition::primaryKey, (add, table) -> reporter.report(add.at(),
							"table " + table, "ADD COLUMN " + add.column().name() + " ... PRIMARY KEY builds its index on"
									+ " existing table " + table + " under ACCESS EXCLUSIVE"));
				});
	}

	static BuiltInRule exclusionConstraint() {
		return new BuiltInRule("ZDM010", "EXCLUDE constraint on an existing table", Severity.ERROR, "ACCESS EXCLUSIVE",
				"Builds the exclusion index while all reads and writes are blocked; unlike UNIQUE there is no USING"
						+ " INDEX form and no NOT VALID, so it cannot be built online.",
				"Create the table with the constraint from the start, or enforce the rule with a trigger; if the"
						+ " table is small, allow it with '-- zdm:allow ZDM010 <reason>'.",
				(context, reporter) -> onAddedConstraint(context, "EXCLUDE", (add, table) -> reporter.report(add.at(),
						"table " + table, "EXCLUDE constraint on existing table " + table
								+ " builds its index under ACCESS EXCLUSIVE and cannot be built concurrently")));
	}

	static BuiltInRule dropNotNull() {
		return new BuiltInRule("ZDM020", "DROP NOT NULL", Severity.WARNING, "ACCESS EXCLUSIVE (brief)",
				"Instant, but code still running the old version may read the new NULLs and fail, and putting the"
						+ " constraint back later costs a full-table scan (see ZDM007).",
				"Make sure every reader handles NULL before the change ships (expand phase), and run it with a"
						+ " lock_timeout; zdm's dropNotNull operation orders this for you.",
				(context, reporter) -> context.eachOnExistingTable(ParsedStatement.DropNotNull.class,
						(drop, table) -> reporter.report(drop.at(), "table " + table, "DROP NOT NULL on " + table + "."
								+ drop.column() + ": readers of the old version may not expect NULL")));
	}

	static BuiltInRule foreignKeyTypeMismatch() {
		return new BuiltInRule("ZDM031", "Foreign key column type differs from the referenced key", Severity.ERROR,
				"none (design)",
				"A referencing column of another type than the key (integer against bigint) makes every check and"
						+ " join cast, can keep indexes unused, and fails once the key outgrows the smaller type.",
				"Declare the foreign key column with exactly the referenced column's type; to change an existing"
						+ " column use zdm's changeColumnType.",
				(context, reporter) -> {
					if (context.parsed() instanceof CreateTable create) {
						for (ColumnDefinition column : create.columns()) {
							if (column.references() != null) {
								compare(context, reporter, create, column.type(), column.name(), column.references());
							}
						}
						for (ConstraintDefinition constraint : create.constraints()) {
							if (constraint.references() != null && constraint.columns().size() == 1) {
								DataType local = create.columns().stream()
									.filter((c) -> c.name() != null && c.name().name().equals(constraint.columns().get(0)))
									.map(ColumnDefinition::type).findFirst().orElse(null);
								compare(context, reporter, create, local, null, constraint.references());
							}
						}
						return;
					}
					Name table = context.alteredTable();
					for (AlterAction each : context.alterActions()) {
						if (each instanceof AddColumn add && add.column().references() != null) {
							compare(context, reporter, null, add.column().type(), add.column().name(), add.column().references());
						}
						else if (each instanceof AddConstraint add && add.constraint().references() != null
								&& add.constraint().columns().size() == 1) {
							compare(context, reporter, null,
									context.schema().columnType(table.key(), add.constraint().columns().get(0)), null,
									add.constraint().references());
						}
					}
				});
	}

	private static void compare(StatementContext context, BuiltInRule.Reporter reporter, CreateTable create,
			DataType local, Name column, Reference reference) {
		if (local == null) {
			return;
		}
		DataType referenced = context.schema().referencedType(reference);
		if (referenced == null && create != null && create.table().key().equals(reference.table().key())) {
			String key = reference.columns().isEmpty() ? null : reference.columns().get(0);
			referenced = create.columns().stream()
				.filter((c) -> (key == null) ? c.primaryKey() : c.name() != null && c.name().name().equals(key))
				.map(ColumnDefinition::type).findFirst().orElse(null);
		}
		if (referenced != null && !referenced.storedBase().equals(local.storedBase())) {
			reporter.report((column != null) ? column.at() : null, null,
					"Foreign key column " + ((column != null) ? column + " " : "") + "is " + local.storedBase()
							+ " but references " + reference.table() + " whose key is " + referenced.storedBase());
		}
	}

	static BuiltInRule validateInSameTransaction() {
		return new BuiltInRule("ZDM035", "VALIDATE CONSTRAINT in the transaction that added it NOT VALID",
				Severity.WARNING, "ACCESS EXCLUSIVE or SHARE ROW EXCLUSIVE (held from the ADD)",
				"The ADD's strong lock is held until commit, so the validation scan runs under it: NOT VALID buys"
						+ " nothing.",
				"Commit between ADD ... NOT VALID and VALIDATE CONSTRAINT (separate changesets or migrations); zdm's"
						+ " addForeignKey/addCheckConstraint/setNotNull do.",
				(context, reporter) -> {
					for (AlterAction each : context.alterActions()) {
						if (each instanceof ParsedStatement.ValidateConstraint validate
								&& context.addedNotValidInTransaction(validate.name())) {
							reporter.report(validate.at(), "table " + context.alteredTable(), "VALIDATE CONSTRAINT "
									+ validate.name() + " runs in the transaction that added it NOT VALID");
						}
					}
				});
	}

}

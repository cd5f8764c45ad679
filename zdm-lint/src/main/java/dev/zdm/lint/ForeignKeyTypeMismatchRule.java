package dev.zdm.lint;

import dev.zdm.lint.ParsedStatement.AddColumn;
import dev.zdm.lint.ParsedStatement.AddConstraint;
import dev.zdm.lint.ParsedStatement.AlterAction;
import dev.zdm.lint.ParsedStatement.ColumnDefinition;
import dev.zdm.lint.ParsedStatement.ConstraintDefinition;
import dev.zdm.lint.ParsedStatement.CreateTable;
import dev.zdm.lint.ParsedStatement.Name;
import dev.zdm.lint.ParsedStatement.Reference;

/**
 * ZDM031: Foreign key column type differs from the referenced key.
 *
 * <p>
 * Its cases are in {@code lint/rules/ZDM031.sql} of zdm-lint's test resources.
 */
final class ForeignKeyTypeMismatchRule {

	private ForeignKeyTypeMismatchRule() {
	}

	static BuiltInRule rule() {
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

}

package dev.zdm.lint;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;

import dev.zdm.lint.ParsedStatement.AlterAction;
import dev.zdm.lint.ParsedStatement.ColumnDefinition;
import dev.zdm.lint.ParsedStatement.ConstraintDefinition;

/**
 * The tables, column types and proven-not-null columns learnt from the statements linted so far in a run
 * (earlier migration files and changesets), so that later statements can be judged against them: a type
 * change from {@code varchar(50)} to {@code text} is safe only if the old type is known.
 */
final class KnownSchema {

	static final class Table {

		final Map<String, DataType> columns = new LinkedHashMap<>();

		final List<String> primaryKey = new ArrayList<>();

		/** Names of CHECK (col IS NOT NULL) constraints, with their column. */
		final Map<String, String> notNullChecks = new HashMap<>();

		/** Columns with a validated CHECK (col IS NOT NULL): SET NOT NULL skips its scan (PostgreSQL 12+). */
		final Set<String> provenNotNull = new HashSet<>();

		/** CHECK constraints by name (a generated key when unnamed): the identifiers they read, and whether validated. */
		final Map<String, Check> checks = new LinkedHashMap<>();

		/** Whether a validated CHECK reads the column: changing its type re-checks every row. */
		boolean validatedCheckReads(String column) {
			return this.checks.values().stream().anyMatch((check) -> check.validated() && check.columns().contains(column));
		}

	}

	record Check(Set<String> columns, boolean validated) {
	}

	private final Map<String, Table> tables = new HashMap<>();

	Table table(String name) {
		return this.tables.get(name);
	}

	boolean knows(String name) {
		return this.tables.containsKey(name);
	}

	DataType columnType(String table, String column) {
		Table known = this.tables.get(table);
		return (known != null) ? known.columns.get(column) : null;
	}

	/** The type of the column a foreign key references: the named one, or the single-column primary key. */
	DataType referencedType(ParsedStatement.Reference reference) {
		Table known = this.tables.get(reference.table().key());
		if (known == null) {
			return null;
		}
		if (!reference.columns().isEmpty()) {
			return (reference.columns().size() == 1) ? known.columns.get(reference.columns().get(0)) : null;
		}
		return (known.primaryKey.size() == 1) ? known.columns.get(known.primaryKey.get(0)) : null;
	}

	/** Learns from a statement once it has been checked. */
	void apply(ParsedStatement statement) {
		if (statement instanceof ParsedStatement.CreateTable create) {
			Table table = new Table();
			for (ColumnDefinition column : create.columns()) {
				if (column.name() != null) {
					learnColumnCheck(table, column);
					table.columns.put(column.name().name(), column.type());
					if (column.primaryKey()) {
						table.primaryKey.add(column.name().name());
					}
				}
			}
			for (ConstraintDefinition constraint : create.constraints()) {
				learnConstraint(table, constraint, true);
			}
			this.tables.put(create.table().key(), table);
		}
		else if (statement instanceof ParsedStatement.AlterTable alter) {
			Table table = this.tables.computeIfAbsent(alter.table().key(), (key) -> new Table());
			for (AlterAction action : alter.actions()) {
				applyAction(alter, table, action);
			}
		}
		else if (statement instanceof ParsedStatement.DropTable drop) {
			drop.tables().forEach((name) -> this.tables.remove(name.key()));
		}
	}

	private void applyAction(ParsedStatement.AlterTable alter, Table table, AlterAction action) {
		if (action instanceof ParsedStatement.AddColumn add && add.column().name() != null) {
			table.columns.put(add.column().name().name(), add.column().type());
			learnColumnCheck(table, add.column());
		}
		else if (action instanceof ParsedStatement.DropConstraint drop) {
			table.checks.remove(drop.name());
		}
		else if (action instanceof ParsedStatement.AlterColumnType change && change.column() != null) {
			table.columns.put(change.column().name(), change.type());
		}
		else if (action instanceof ParsedStatement.DropColumn drop && drop.column() != null) {
			table.columns.remove(drop.column().name());
		}
		else if (action instanceof ParsedStatement.RenameColumn rename && rename.column() != null
				&& rename.newName() != null) {
			DataType type = table.columns.remove(rename.column().name());
			if (type != null) {
				table.columns.put(rename.newName().name(), type);
			}
		}
		else if (action instanceof ParsedStatement.RenameTable rename && rename.newName() != null) {
			this.tables.remove(alter.table().key());
			this.tables.put(rename.newName().key(), table);
		}
		else if (action instanceof ParsedStatement.AddConstraint add) {
			learnConstraint(table, add.constraint(), !add.constraint().notValid());
		}
		else if (action instanceof ParsedStatement.ValidateConstraint validate) {
			table.checks.computeIfPresent(validate.name(), (name, check) -> new Check(check.columns(), true));
			String column = table.notNullChecks.get(validate.name());
			if (column != null) {
				table.provenNotNull.add(column);
			}
		}
	}

	private static void learnColumnCheck(Table table, ColumnDefinition column) {
		if (column.check()) {
			table.checks.put(column.name().name() + "_check#" + table.checks.size(), new Check(Set.of(column.name().name()), true));
		}
	}

	private static void learnConstraint(Table table, ConstraintDefinition constraint, boolean validated) {
		if (constraint.kind().equals("CHECK")) {
			String key = (constraint.name() != null) ? constraint.name().name() : "check#" + table.checks.size();
			table.checks.put(key, new Check(Set.copyOf(constraint.checkedIdentifiers()), validated));
		}
		if (constraint.kind().equals("PRIMARY KEY") && !constraint.columns().isEmpty()) {
			table.primaryKey.clear();
			table.primaryKey.addAll(constraint.columns());
		}
		if (constraint.kind().equals("CHECK") && constraint.columns().size() == 1) {
			String column = constraint.columns().get(0);
			if (constraint.name() != null) {
				table.notNullChecks.put(constraint.name().name(), column);
			}
			if (validated) {
				table.provenNotNull.add(column);
			}
		}
	}

}

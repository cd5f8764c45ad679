package dev.zdm.lint;

import java.util.ArrayList;
import java.util.List;

import dev.zdm.lint.ParsedStatement.AddColumn;
import dev.zdm.lint.ParsedStatement.AlterAction;
import dev.zdm.lint.ParsedStatement.AlterColumnType;
import dev.zdm.lint.ParsedStatement.ColumnDefinition;
import dev.zdm.lint.ParsedStatement.ConstraintDefinition;
import dev.zdm.lint.ParsedStatement.CreateTable;
import dev.zdm.lint.ParsedStatement.Name;

/**
 * Rules on choices that are cheap today and an outage to undo later (types, keys, domains, enums), and
 * on data changes hidden in schema migrations.
 */
final class DesignRules {

	private DesignRules() {
	}

	static List<BuiltInRule> rules() {
		return List.of(domainCheck(), dataChange(), json(), integerPrimaryKey(), enumRename(), timestampWithoutZone(),
				systemCatalogWrite());
	}

	/** Each column type the statement declares, with the token to report at. */
	private record DeclaredType(DataType type, Name column) {
	}

	private static List<DeclaredType> declaredTypes(StatementContext context) {
		List<DeclaredType> types = new ArrayList<>();
		if (context.parsed() instanceof CreateTable create) {
			for (ColumnDefinition column : create.columns()) {
				types.add(new DeclaredType(column.type(), column.name()));
			}
		}
		for (AlterAction action : context.alterActions()) {
			if (action instanceof AddColumn add) {
				types.add(new DeclaredType(add.column().type(), add.column().name()));
			}
			else if (action instanceof AlterColumnType change) {
				types.add(new DeclaredType(change.type(), change.column()));
			}
		}
		types.removeIf((declared) -> declared.type() == null || declared.column() == null);
		return types;
	}

	static BuiltInRule domainCheck() {
		return new BuiltInRule("ZDM027", "Domain with a CHECK constraint", Severity.WARNING,
				"SHARE on every table using the domain, while ALTER DOMAIN ADD CONSTRAINT scans them",
				"Adding or changing a domain's CHECK later scans every column of every table that uses the domain"
						+ " under a lock that blocks writes, and there is no online way to change it.",
				"Put the CHECK on the table column (zdm's addCheckConstraint adds it NOT VALID and validates it"
						+ " online); for ALTER DOMAIN ADD CONSTRAINT use NOT VALID, then VALIDATE CONSTRAINT.",
				(context, reporter) -> {
					if (context.parsed() instanceof ParsedStatement.CreateDomain domain && domain.hasCheck()) {
						reporter.report(null, "the tables using domain " + domain.domain(), "Domain " + domain.domain()
								+ " has a CHECK: changing it later scans every table using the domain");
					}
					else if (context.parsed() instanceof ParsedStatement.AlterDomain domain && domain.addsCheck()
							&& !domain.notValid()) {
						reporter.report(null, "the tables using domain " + domain.domain(), "ALTER DOMAIN "
								+ domain.domain() + " ADD CONSTRAINT ... CHECK scans every table using the domain; add it NOT VALID");
					}
				});
	}

	static BuiltInRule dataChange() {
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

	static BuiltInRule systemCatalogWrite() {
		return new BuiltInRule("ZDM043", "Write to a system catalog", Severity.ERROR, "ROW EXCLUSIVE on the catalog",
				"Writing pg_catalog tables directly bypasses every check the DDL commands make: caches, dependent"
						+ " objects and other catalogs are not updated, which can corrupt the database or crash sessions;"
						+ " it also needs superuser.",
				"Use the DDL command that makes the change (ALTER TABLE, ALTER TYPE, COMMENT, ...).",
				(context, reporter) -> {
					if (context.parsed() instanceof ParsedStatement.DataChange change && change.writesSystemCatalog()) {
						reporter.report(null, "catalog " + change.table(), change.verb() + " of system catalog "
								+ change.table() + " bypasses PostgreSQL's own checks");
					}
				});
	}

	static BuiltInRule json() {
		return new BuiltInRule("ZDM029", "json instead of jsonb", Severity.WARNING, "none (design)",
				"json is stored as text and re-parsed on every access, has no equality operator (SELECT DISTINCT,"
						+ " UNION and GROUP BY fail) and no GIN index support; changing it later rewrites the table.",
				"Declare the column jsonb.",
				(context, reporter) -> {
					for (DeclaredType declared : declaredTypes(context)) {
						if (declared.type().isOneOf("json")) {
							reporter.report(declared.column().at(), null, "Column " + declared.column()
									+ " is json; use jsonb");
						}
					}
				});
	}

	static BuiltInRule integerPrimaryKey() {
		return new BuiltInRule("ZDM030", "int or serial primary key", Severity.WARNING, "none (design)",
				"A 32-bit key runs out at 2,147,483,647 rows (or sequence values); widening it later is a type change"
						+ " that rewrites the table and every referencing foreign key.",
				"Use bigint (bigint GENERATED ALWAYS AS IDENTITY, or bigserial).",
				(context, reporter) -> {
					if (!(context.parsed() instanceof CreateTable create)) {
						return;
					}
					List<String> keys = new ArrayList<>();
					for (ConstraintDefinition constraint : create.constraints()) {
						if (constraint.kind().equals("PRIMARY KEY")) {
							keys.addAll(constraint.columns());
						}
					}
					for (ColumnDefinition column : create.columns()) {
						boolean key = column.primaryKey() || (column.name() != null && keys.size() == 1
								&& keys.get(0).equals(column.name().name()));
						if (key && column.type() != null
								&& column.type().isOneOf("integer", "smallint", "serial", "smallserial")) {
							reporter.report(column.name().at(), null, "Primary key " + create.table() + "."
									+ column.name() + " is " + column.type() + "; use bigint");
						}
					}
				});
	}

	static BuiltInRule enumRename() {
		return new BuiltInRule("ZDM032", "Enum value rename", Severity.ERROR, "ACCESS EXCLUSIVE on the type (brief)",
				"Instant, but instances still running the previous version read and write the old label and fail.",
				"Add the new value (ALTER TYPE ... ADD VALUE), migrate rows with zdm's backfill, switch the code, and"
						+ " stop using the old value; labels cannot be removed online, so plan for both to exist.",
				(context, reporter) -> {
					if (context.parsed() instanceof ParsedStatement.AlterType alter && alter.action().equals("rename value")) {
						reporter.report(null, "type " + alter.type(), "ALTER TYPE " + alter.type()
								+ " RENAME VALUE breaks code that still uses the old label");
					}
				});
	}

	static BuiltInRule timestampWithoutZone() {
		return new BuiltInRule("ZDM040", "timestamp without time zone", Severity.WARNING, "none (design)",
				"A timestamp without time zone means different instants on servers or sessions in different time"
						+ " zones, and fixing it later (to timestamptz) rewrites the table unless the session zone is UTC.",
				"Declare the column timestamptz.",
				(context, reporter) -> {
					for (DeclaredType declared : declaredTypes(context)) {
						if (declared.type().isOneOf("timestamp")) {
							reporter.report(declared.column().at(), null, "Column " + declared.column()
									+ " is timestamp without time zone; use timestamptz");
						}
					}
				});
	}

}

package dev.zdm.core.operation;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.zdm.core.catalog.CatalogReader;
import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.ddl.DdlStep;
import dev.zdm.core.plan.CreateTable;
import dev.zdm.core.plan.OperationArguments;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;

/**
 * {@code createTable {table, columns, primaryKey?, constraints?}}: {@code CREATE TABLE} in expand, in one
 * transaction under the lock timeout; nothing to backfill, switch or contract. The new table is empty and
 * no one's yet, so its own {@code ACCESS EXCLUSIVE} lock keeps no one waiting; a foreign key takes
 * {@code SHARE ROW EXCLUSIVE} on the table it references (writes to it wait) for as long as the transaction
 * lasts, under the lock timeout.
 * <p>
 * A rollback drops the table only while it is empty: rows in it were written by the application since expand,
 * and zdm never drops a write. With rows, the rollback stops (the migration stays {@code ROLLING_BACK}) and
 * says what to do with them; rolling back again once they are gone (or kept elsewhere) finishes it. The rollback first locks the table, so no row can slip in between
 * the check and the drop. It drops only the table expand created: expand records its oid.
 */
public final class CreateTableType implements OperationType<CreateTable> {

	@Override
	public String kind() {
		return "createTable";
	}

	@Override
	public Class<CreateTable> operationClass() {
		return CreateTable.class;
	}

	@Override
	public Set<String> keys() {
		return Set.of("table", "columns", "primaryKey", "constraints");
	}

	@Override
	public CreateTable read(OperationArguments arguments) {
		QualifiedName table = arguments.table("table");
		List<CreateTable.Column> columns = new ArrayList<>();
		List<OperationArguments> columnArguments = arguments.mappings("columns",
				Set.of("name", "type", "default", "notNull"), true);
		for (OperationArguments column : (columnArguments != null) ? columnArguments : List.<OperationArguments>of()) {
			Identifier name = column.identifier("name", true);
			String type = column.scalar("type", true);
			String defaultExpression = column.scalar("default", false);
			Boolean notNull = column.bool("notNull", false);
			CreateTable.Column read = column.build(() -> new CreateTable.Column(name, type, defaultExpression, notNull));
			if (read != null) {
				columns.add(read);
			}
		}
		List<Identifier> primaryKey = arguments.has("primaryKey") ? arguments.identifiers("primaryKey", true) : List.of();
		List<CreateTable.Constraint> constraints = new ArrayList<>();
		List<OperationArguments> constraintArguments = arguments.mappings("constraints",
				Set.of("name", "check", "unique", "foreignKey"), false);
		for (OperationArguments constraint : (constraintArguments != null) ? constraintArguments
				: List.<OperationArguments>of()) {
			CreateTable.Constraint read = constraint(constraint);
			if (read != null) {
				constraints.add(read);
			}
		}
		return arguments.build(() -> new CreateTable(table, columns, primaryKey, constraints));
	}

	private static CreateTable.Constraint constraint(OperationArguments arguments) {
		Identifier name = arguments.identifier("name", false);
		String check = arguments.scalar("check", false);
		List<Identifier> unique = arguments.has("unique") ? arguments.identifiers("unique", true) : null;
		CreateTable.ForeignKey foreignKey = null;
		OperationArguments key = arguments.mapping("foreignKey", Set.of("columns", "references", "onDelete"), false);
		if (key != null) {
			List<Identifier> columns = key.identifiers("columns", true);
			OperationArguments references = key.mapping("references", Set.of("table", "columns"), true);
			QualifiedName referenced = (references != null) ? references.table("table") : null;
			List<Identifier> referencedColumns = (references != null) ? references.identifiers("columns", true) : null;
			CreateTable.OnDelete onDelete = key.choice("onDelete", CreateTable.OnDelete.class,
					CreateTable.OnDelete.NO_ACTION);
			foreignKey = key.build(() -> new CreateTable.ForeignKey(columns, referenced, referencedColumns, onDelete));
		}
		CreateTable.ForeignKey fk = foreignKey;
		return arguments.build(() -> new CreateTable.Constraint(name, check, unique, fk));
	}

	/** Before expand the table does not exist: the validation creates it in a savepoint instead. */
	@Override
	public boolean needsExistingTable() {
		return false;
	}

	@Override
	public void validate(CreateTable operation, OperationCheck check) throws SQLException {
		if (check.table() != null) {
			if (check.beforeExpand()) {
				check.fail("table " + check.table().qualifiedName() + " already exists, and zdm creates only a table that "
						+ "does not: choose another name, or leave this operation out if the table is already as you want.");
			}
			return;
		}
		for (int i = 0; i < check.plan().operations().size(); i++) {
			if (i + 1 != check.index() && check.plan().operations().get(i).tables().contains(operation.table())) {
				check.fail("operation " + (i + 1) + " of this plan changes " + operation.table() + ", which this operation "
						+ "creates: the table does not exist until expand, so zdm cannot check that operation against it. "
						+ "Declare the table's key and constraints here, and change it further in a later migration.");
				return;
			}
		}
		if (operation.table().schema() != null) {
			String schema = operation.table().schema().name();
			Optional<String> versionOf = check.catalog().schema(schema)
				.flatMap((found) -> VersionSchema.migrationOf(found.comment()));
			if (schema.equals(check.stateSchema().name()) || versionOf.isPresent()) {
				check.fail("schema " + schema + " is " + (versionOf.isPresent() ? "the version schema of migration "
						+ versionOf.get() + ", which zdm drops when that migration ends" : "zdm's state schema (zdm.schema)")
						+ ": create the table in a schema of your own.");
				return;
			}
		}
		// PostgreSQL checks it all (types, defaults, keys, the referenced tables and their keys) in a savepoint that
		// is rolled back; a foreign key locks the table it references, so not for long.
		check.sql("SET LOCAL lock_timeout = '2s'; " + operation.createStatement(),
				"PostgreSQL refuses to create table " + operation.table(),
				". Fix the columns (their types and defaults), the primary key or the constraints: a foreign key "
						+ "references an existing table, by columns of the same types that are its primary key or unique.");
	}

	/**
	 * What expand recorded: the table it created, by oid and schema-qualified name, the proof that a rollback
	 * drops that table and no other.
	 *
	 * @param oid the table's oid
	 * @param table its name
	 */
	record Created(long oid, QualifiedName table) implements Memo {

		@Override
		public String encode() {
			return this.oid + " " + this.table;
		}

		static Created decode(String stored) {
			int space = stored.indexOf(' ');
			return new Created(Long.parseLong(stored.substring(0, space)), QualifiedName.parse(stored.substring(space + 1)));
		}

	}

	/**
	 * The memo of the expand that creates the table: read once its statement ran, in the same transaction (the
	 * orchestrator encodes the memo after running the expand step), when the table and its oid exist.
	 */
	private static Memo created(CatalogReader catalog, QualifiedName name, String on) {
		return () -> {
			try {
				TableInfo table = catalog.table(name)
					.orElseThrow(() -> new IllegalStateException("Table " + name + " of " + on + " was not created"));
				return new Created(table.oid(), table.qualifiedName()).encode();
			}
			catch (SQLException ex) {
				throw new IllegalStateException("Could not read table " + name + " of " + on + ": " + ex.getMessage(), ex);
			}
		};
	}

	@Override
	public Resolved resolve(CreateTable operation, ResolveContext context) throws SQLException {
		String on = context.description();
		CatalogReader catalog = context.catalog();
		if (context.memo().isEmpty()) {
			// Expand creates the table, or fails where something took its name since validation.
			return new Resolved(new DdlStep.InTransaction("expand " + on, List.of(operation.createStatement())),
					created(catalog, operation.table(), on), Optional.empty(), List.of(),
					DdlStep.InTransaction.none("switch " + on), List.of(), DdlStep.InTransaction.none("contract " + on),
					DdlStep.InTransaction.none("rollback " + on), VersionView.none(operation.table()), Sync.NONE);
		}
		Created memo = Created.decode(context.memo().get());
		QualifiedName table = memo.table();
		boolean ours = catalog.table(table).filter((found) -> found.oid() == memo.oid()).isPresent();
		List<String> rollback = ours ? List.of("LOCK TABLE " + table.quoted() + " IN ACCESS EXCLUSIVE MODE",
				refuseRows(table, context.migrationId()), "DROP TABLE " + table.quoted()) : List.of();
		// New code reaches the new table itself; the version schema needs no view of it.
		return new Resolved(DdlStep.InTransaction.none("expand " + on), memo, Optional.empty(), List.of(),
				DdlStep.InTransaction.none("switch " + on), List.of(), DdlStep.InTransaction.none("contract " + on),
				new DdlStep.InTransaction("rollback " + on, rollback), VersionView.none(table), Sync.NONE);
	}

	/** A statement that fails, saying why and the fix, when the table holds a row. */
	private static String refuseRows(QualifiedName table, String migrationId) {
		String message = "Table " + table + ", which migration " + migrationId + " created, holds rows written since; "
				+ "rolling back would drop them with the table, so zdm stopped (the migration stays ROLLING_BACK). Keep "
				+ "the rows elsewhere if they matter (CREATE TABLE ... AS SELECT * FROM " + table.quoted()
				+ "), delete them (DELETE FROM " + table.quoted() + "), then roll back again.";
		String body = "BEGIN IF EXISTS (SELECT 1 FROM " + table.quoted() + ") THEN RAISE EXCEPTION USING ERRCODE = "
				+ "'object_not_in_prerequisite_state', MESSAGE = " + literal(message) + "; END IF; END ";
		String tag = "$zdm$";
		for (int i = 1; body.contains(tag); i++) {
			tag = "$zdm" + i + "$";
		}
		return "DO " + tag + body + tag;
	}

	private static String literal(String text) {
		return "'" + text.replace("'", "''") + "'";
	}

}

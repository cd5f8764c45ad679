package dev.zdm.core.operation;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.zdm.core.backfill.BackfillTarget;
import dev.zdm.core.catalog.CatalogReader;
import dev.zdm.core.catalog.ColumnInfo;
import dev.zdm.core.catalog.IndexInfo;
import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.ddl.DdlExecutor;
import dev.zdm.core.plan.ChangeColumnType;
import dev.zdm.core.plan.Operation;
import dev.zdm.core.plan.RenameColumn;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.IndexDefinition;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.core.sync.SyncTrigger;
import dev.zdm.core.sync.SyncTrigger.Authority;

/**
 * {@code renameColumn} and {@code changeColumnType}: both add a second column next to the old one, keep
 * the two in step with a {@link SyncTrigger}, copy existing rows, then drop the old column.
 * <p>
 * A rename creates the new column under its final name. A type change without {@code rename} cannot show
 * two columns under one name, so its new column lives under a temporary name ({@code <column>__zdm})
 * until contract, which drops the old column and renames the new one in the same transaction.
 */
public final class ColumnCopy implements OperationSteps {

	/** Suffix of the temporary name of a type change's new column. */
	public static final String TEMPORARY_SUFFIX = "__zdm";

	private final QualifiedName table;

	private final List<ColumnInfo> key;

	private final ColumnInfo oldColumn;

	private final Identifier newColumn;

	private final Identifier finalName;

	private final String newType;

	private final String newDefault;

	private final String oldDefault;

	private final String upOverTable;

	private final String downOverTable;

	private final SyncTrigger trigger;

	private final Identifier notNullCheck;

	private final List<CarriedIndex> indexes;

	/** An index on the old column, rebuilt on the new one under a temporary name, renamed at contract. */
	private record CarriedIndex(IndexInfo original, Identifier temporaryName, String create) {
	}

	private ColumnCopy(QualifiedName table, List<ColumnInfo> key, ColumnInfo oldColumn, Identifier newColumn,
			Identifier finalName, String newType, String newDefault, String oldDefault, String upOverTable,
			String downOverTable, SyncTrigger trigger, Identifier notNullCheck, List<CarriedIndex> indexes) {
		this.table = table;
		this.key = key;
		this.oldColumn = oldColumn;
		this.newColumn = newColumn;
		this.finalName = finalName;
		this.newType = newType;
		this.newDefault = newDefault;
		this.oldDefault = oldDefault;
		this.upOverTable = upOverTable;
		this.downOverTable = downOverTable;
		this.trigger = trigger;
		this.notNullCheck = notNullCheck;
		this.indexes = indexes;
	}

	/** The name of the column an operation adds during the migration. */
	public static Identifier newColumnName(Operation operation) {
		if (operation instanceof RenameColumn rename) {
			return rename.to();
		}
		ChangeColumnType change = (ChangeColumnType) operation;
		return (change.rename() != null) ? change.rename() : Identifier.of(change.column().name() + TEMPORARY_SUFFIX);
	}

	/** The name of the column an operation replaces. */
	public static Identifier oldColumnName(Operation operation) {
		return (operation instanceof RenameColumn rename) ? rename.from() : ((ChangeColumnType) operation).column();
	}

	/** The base name of the objects zdm creates for operation {@code index} of migration {@code migrationId}. */
	public static String objectName(String migrationId, int index) {
		return "zdm_" + migrationId.replace('-', '_') + "_" + index;
	}

	/**
	 * Resolves an operation against the table as it is now: the old column must still exist.
	 * @param migrationId the migration
	 * @param index the operation's 1-based index in its plan
	 * @param operation a {@link RenameColumn} or {@link ChangeColumnType}
	 * @param table the table, read from the catalog
	 * @param functionSchema the schema of zdm's trigger functions
	 * @param expandMemo what {@link #expand} returned, once it ran
	 * @param oldIndexes the indexes on the old column, to rebuild on the new one
	 * @throws IllegalArgumentException if one of the indexes cannot be rebuilt concurrently
	 */
	public static ColumnCopy resolve(String migrationId, int index, Operation operation, TableInfo table,
			Identifier functionSchema, Optional<String> expandMemo, List<IndexInfo> oldIndexes) {
		Identifier oldName = oldColumnName(operation);
		ColumnInfo old = table.column(oldName.name())
			.orElseThrow(() -> new IllegalStateException("Table " + table.qualifiedName() + " has no column " + oldName));
		Identifier newName = newColumnName(operation);
		String base = objectName(migrationId, index);
		// Expand moves the old column's default into the trigger; the memo remembers it.
		String oldDefault = expandMemo.map(ColumnCopy::decodeDefault).orElse(old.defaultExpression());
		Identifier finalName;
		String newType;
		String newDefault;
		String up;
		String down;
		if (operation instanceof ChangeColumnType change) {
			finalName = change.finalName();
			newType = change.type();
			newDefault = change.defaultExpression();
			up = change.up();
			down = change.down();
		}
		else {
			finalName = newName;
			newType = old.type();
			newDefault = oldDefault;
			up = oldName.quoted();
			down = newName.quoted();
		}
		boolean identity = operation instanceof RenameColumn;
		String upInTrigger = identity ? "NEW." + oldName.quoted() : SyncTrigger.overRow(up, newType);
		String downInTrigger = identity ? "NEW." + newName.quoted()
				: SyncTrigger.overNewRow(down, old.type(), newName, finalName);
		QualifiedName qualified = table.qualifiedName();
		SyncTrigger trigger = new SyncTrigger(qualified, Identifier.of(base), new QualifiedName(functionSchema,
				Identifier.of(base)), oldName, newName, upInTrigger, downInTrigger, oldDefault);
		String upOverTable = identity ? oldName.quoted() : "CAST((" + up + ") AS " + newType + ")";
		// As the trigger evaluates 'down': the new column under its final name shadows the row's columns.
		String downOverTable = identity ? newName.quoted()
				: "(SELECT CAST((" + down + ") AS " + old.type() + ") FROM (SELECT " + newName.quoted() + " AS "
						+ finalName.quoted() + ") AS _zdm_new)";
		List<CarriedIndex> indexes = new ArrayList<>();
		for (IndexInfo original : oldIndexes) {
			Identifier temporary = temporaryIndexName(migrationId, index, original.name());
			indexes.add(new CarriedIndex(original, temporary,
					IndexDefinition.concurrentCopy(original.definition(), temporary, oldName, newName)));
		}
		return new ColumnCopy(qualified, table.primaryKey(), old, newName, finalName, newType, newDefault, oldDefault,
				upOverTable, downOverTable, trigger, Identifier.of(base + "_nn"), List.copyOf(indexes));
	}

	/**
	 * The name of the copy of index {@code original} on the new column: derived from the original's name,
	 * so that an index created or dropped on the old column meanwhile cannot shift one copy onto another.
	 */
	public static Identifier temporaryIndexName(String migrationId, int index, String original) {
		java.util.zip.CRC32 crc = new java.util.zip.CRC32();
		crc.update(original.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		return Identifier.of(objectName(migrationId, index) + "_" + String.format("%08x", crc.getValue()));
	}

	private static String encodeDefault(String expression) {
		return (expression != null) ? "default:" + expression : "no-default";
	}

	private static String decodeDefault(String memo) {
		return memo.startsWith("default:") ? memo.substring("default:".length()) : null;
	}

	@Override
	public String expand(Connection connection) throws SQLException {
		// No default on the new column: existing rows stay NULL until backfilled, without a table rewrite.
		execute(connection, "ALTER TABLE " + this.table.quoted() + " ADD COLUMN IF NOT EXISTS " + this.newColumn.quoted()
				+ " " + this.newType);
		if (this.oldDefault != null) {
			execute(connection, "ALTER TABLE " + this.table.quoted() + " ALTER COLUMN "
					+ Identifier.of(this.oldColumn.name()).quoted() + " DROP DEFAULT");
		}
		execute(connection, this.trigger.createFunction(Authority.OLD));
		for (String statement : this.trigger.createTriggers()) {
			execute(connection, statement);
		}
		return encodeDefault(this.oldDefault);
	}

	/** The table, schema-qualified. */
	public QualifiedName table() {
		return this.table;
	}

	/** The column being replaced. */
	public Identifier oldColumn() {
		return Identifier.of(this.oldColumn.name());
	}

	/** The column replacing it, under its name during the migration. */
	public Identifier newColumn() {
		return this.newColumn;
	}

	/** The new column's name once the migration completes. */
	public Identifier finalName() {
		return this.finalName;
	}

	/**
	 * A predicate over the table, true for a row whose columns are out of step: the new value is not
	 * {@code up} of the old one, nor the old value {@code down} of the new one. A write that skipped the sync
	 * triggers leaves such a row, and contract would lose the side it dropped.
	 */
	public String outOfStep() {
		return "(" + this.newColumn.quoted() + " IS DISTINCT FROM " + this.upOverTable + ") AND ("
				+ oldColumn().quoted() + " IS DISTINCT FROM " + this.downOverTable + ")";
	}

	/** The names of the sync triggers, the main one first. */
	public List<Identifier> syncTriggers() {
		return this.trigger.triggerNames();
	}

	/**
	 * Why the sync triggers may miss writes now (one is disabled, enabled only for one
	 * {@code session_replication_role}, or the main one is missing), or {@code null} if they catch every
	 * write. Mark triggers that do not exist are accepted (a migration expanded before they were added).
	 */
	public String syncTriggerProblem(Connection connection) throws SQLException {
		Map<String, String> states = new CatalogReader(connection).triggerStates(this.table);
		List<String> problems = new ArrayList<>();
		List<Identifier> toEnable = new ArrayList<>();
		for (Identifier name : this.trigger.triggerNames()) {
			String state = states.get(name.name());
			if (state == null) {
				if (name.equals(this.trigger.triggerName())) {
					problems.add("zdm's sync trigger " + name + " on " + this.table + " is missing (dropped by hand?): "
							+ "roll the migration back and start it again");
				}
			}
			else if (!"A".equals(state)) {
				problems.add("zdm's sync trigger " + name + " is " + switch (state) {
					case "D" -> "disabled";
					case "R" -> "enabled only for session_replication_role = replica";
					default -> "enabled only for session_replication_role = origin (writes under replica skip it)";
				});
				toEnable.add(name);
			}
		}
		if (problems.isEmpty()) {
			return null;
		}
		return String.join("; ", problems) + (toEnable.isEmpty() ? "" : ". Enable it again: " + toEnable.stream()
			.map((name) -> "ALTER TABLE " + this.table.quoted() + " ENABLE ALWAYS TRIGGER " + name.quoted())
			.collect(Collectors.joining("; ")));
	}

	@Override
	public Optional<BackfillTarget> backfill() {
		return Optional.of(new BackfillTarget(this.table, this.key, this.newColumn.quoted() + " = " + this.upOverTable,
				this.newColumn.quoted() + " IS DISTINCT FROM " + this.upOverTable, this.trigger.triggerName(),
				this.oldColumn.notNull() ? this.newColumn.quoted() + " IS NULL" : null));
	}

	@Override
	public void prepareSwitch(DdlExecutor executor, Connection connection) throws SQLException {
		buildIndexCopies(executor, connection);
	}

	/** Builds the copies of the old column's indexes that do not exist yet (or were left invalid). */
	private void buildIndexCopies(DdlExecutor executor, Connection connection) throws SQLException {
		CatalogReader catalog = new CatalogReader(connection);
		for (CarriedIndex index : this.indexes) {
			Optional<Boolean> valid = catalog.indexValid(this.table.schema().name(), index.temporaryName().name());
			String drop = "DROP INDEX CONCURRENTLY IF EXISTS " + indexName(index.temporaryName());
			if (valid.isPresent() && !valid.get()) {
				// Left by an interrupted build: IF NOT EXISTS would keep it, invalid, for ever.
				executor.autocommit("drop invalid index " + index.temporaryName(), drop, null);
			}
			executor.autocommit("build " + index.temporaryName() + " on " + this.table + "." + this.newColumn
					+ " (copy of " + index.original().name() + ")", index.create(), drop);
		}
	}

	@Override
	public void switchOver(Connection connection) throws SQLException {
		execute(connection, this.trigger.createFunction(Authority.NEW));
		if (this.oldColumn.notNull()) {
			execute(connection, "ALTER TABLE " + this.table.quoted() + " DROP CONSTRAINT IF EXISTS "
					+ this.notNullCheck.quoted());
			execute(connection, "ALTER TABLE " + this.table.quoted() + " ADD CONSTRAINT " + this.notNullCheck.quoted()
					+ " CHECK (" + this.newColumn.quoted() + " IS NOT NULL) NOT VALID");
		}
	}

	@Override
	public void prepareContract(DdlExecutor executor, Connection connection) throws SQLException {
		// An index created on the old column after switch would otherwise go with it.
		buildIndexCopies(executor, connection);
		if (this.oldColumn.notNull()) {
			// SHARE UPDATE EXCLUSIVE: the scan does not block reads or writes. The validated check lets
			// SET NOT NULL in the contract transaction skip its own scan under ACCESS EXCLUSIVE.
			executor.inLongTransaction("validate " + this.notNullCheck + " on " + this.table,
					(transaction) -> execute(transaction, "ALTER TABLE " + this.table.quoted() + " VALIDATE CONSTRAINT "
							+ this.notNullCheck.quoted()));
		}
	}

	@Override
	public void contract(Connection connection) throws SQLException {
		// The lock the drops below take anyway, taken first: then no one can disable a trigger and write
		// between the check and the drop. A trigger disabled since the check before CONTRACTING would have
		// let writes to the old column through, which dropping it would lose.
		execute(connection, "LOCK TABLE " + this.table.quoted() + " IN ACCESS EXCLUSIVE MODE");
		String problem = syncTriggerProblem(connection);
		if (problem != null) {
			throw new SQLException("Cannot drop " + this.table + "." + this.oldColumn.name() + ": " + problem
					+ "; then re-sync rows written meanwhile (UPDATE " + this.table.quoted() + " SET "
					+ oldColumn().quoted() + " = " + oldColumn().quoted() + " WHERE ...) and advance again.", "55000");
		}
		for (String statement : this.trigger.dropTriggers()) {
			execute(connection, statement);
		}
		String alter = "ALTER TABLE " + this.table.quoted() + " ";
		if (this.oldColumn.notNull()) {
			execute(connection, alter + "ALTER COLUMN " + this.newColumn.quoted() + " SET NOT NULL");
			execute(connection, alter + "DROP CONSTRAINT IF EXISTS " + this.notNullCheck.quoted());
		}
		execute(connection, alter + "DROP COLUMN " + Identifier.of(this.oldColumn.name()).quoted());
		if (this.newDefault != null) {
			execute(connection, alter + "ALTER COLUMN " + this.newColumn.quoted() + " SET DEFAULT " + this.newDefault);
		}
		if (!this.newColumn.equals(this.finalName)) {
			execute(connection, alter + "RENAME COLUMN " + this.newColumn.quoted() + " TO " + this.finalName.quoted());
		}
		// The old indexes went with the old column: their copies take their names.
		for (CarriedIndex index : this.indexes) {
			IndexInfo original = index.original();
			if (original.constraint() != null) {
				execute(connection, alter + "ADD CONSTRAINT " + Identifier.of(original.constraint()).quoted()
						+ " UNIQUE USING INDEX " + index.temporaryName().quoted()
						+ (original.deferrable() ? " DEFERRABLE" : "")
						+ (original.initiallyDeferred() ? " INITIALLY DEFERRED" : ""));
			}
			else {
				execute(connection, "ALTER INDEX " + indexName(index.temporaryName()) + " RENAME TO "
						+ Identifier.of(original.name()).quoted());
			}
		}
		execute(connection, this.trigger.dropFunction());
	}

	@Override
	public void rollback(Connection connection) throws SQLException {
		for (String statement : this.trigger.dropTriggers()) {
			execute(connection, statement);
		}
		execute(connection, this.trigger.dropFunction());
		String alter = "ALTER TABLE " + this.table.quoted() + " ";
		execute(connection, alter + "DROP CONSTRAINT IF EXISTS " + this.notNullCheck.quoted());
		for (CarriedIndex index : this.indexes) {
			execute(connection, "DROP INDEX IF EXISTS " + indexName(index.temporaryName()));
		}
		execute(connection, alter + "DROP COLUMN IF EXISTS " + this.newColumn.quoted());
		if (this.oldDefault != null) {
			execute(connection, alter + "ALTER COLUMN " + Identifier.of(this.oldColumn.name()).quoted() + " SET DEFAULT "
					+ this.oldDefault);
		}
	}

	private String indexName(Identifier name) {
		return new QualifiedName(this.table.schema(), name).quoted();
	}

	private static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

}

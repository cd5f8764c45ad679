package dev.zdm.core.operation;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.CRC32;

import dev.zdm.core.backfill.BackfillTarget;
import dev.zdm.core.catalog.ColumnDependent;
import dev.zdm.core.catalog.ColumnInfo;
import dev.zdm.core.catalog.IndexInfo;
import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.catalog.TriggerInfo;
import dev.zdm.core.ddl.DdlStep;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.IndexDefinition;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.core.sync.RowExpression;
import dev.zdm.core.sync.SyncTrigger;
import dev.zdm.core.sync.SyncTrigger.Authority;

/**
 * The mechanics shared by the operations that replace a column by a copy ({@code renameColumn},
 * {@code changeColumnType}): add a second column next to the old one, keep the two in step with a
 * {@link SyncTrigger}, copy existing rows, carry the old column's indexes across (built
 * {@code CONCURRENTLY}) and its {@code NOT NULL} (a {@link NotNullCheck} from switch), then drop the old
 * column. Each operation's type describes its copy as a
 * {@link Spec}; this class validates it and resolves it to steps.
 * <p>
 * A rename creates the new column under its final name. A type change without {@code rename} cannot show
 * two columns under one name, so its new column lives under a temporary name ({@code <column>__zdm})
 * until contract, which drops the old column and renames the new one in the same transaction.
 */
public final class ColumnCopy {

	/** Suffix of the temporary name of a type change's new column. */
	public static final String TEMPORARY_SUFFIX = "__zdm";

	private ColumnCopy() {
	}

	/**
	 * One column copy.
	 *
	 * @param table the table
	 * @param oldColumn the column replaced
	 * @param newColumn the column replacing it, under its name during the migration
	 * @param finalName the new column's name once the migration completes
	 * @param conversion how values convert between the two, or {@code null} for a plain copy (same type and
	 * value, the old column's default)
	 */
	public record Spec(QualifiedName table, Identifier oldColumn, Identifier newColumn, Identifier finalName,
			Conversion conversion) {
	}

	/**
	 * A conversion between two types.
	 *
	 * @param type the new column's SQL type
	 * @param up SQL over the old row giving the new value
	 * @param down SQL over the new row (the new column under its final name) giving the old value
	 * @param defaultExpression the new column's default, set at contract, or {@code null}
	 */
	public record Conversion(String type, String up, String down, String defaultExpression) {
	}

	/**
	 * The memo of a column copy's expand: the old column's default, which expand moves into the sync trigger
	 * (stored as {@code default:<expression>}, or {@code no-default}).
	 *
	 * @param oldDefault the old column's default before expand, or {@code null}
	 */
	public record ExpandMemo(String oldDefault) implements Memo {

		private static final String DEFAULT = "default:";

		@Override
		public String encode() {
			return (this.oldDefault != null) ? DEFAULT + this.oldDefault : "no-default";
		}

		/** Reads a stored memo. */
		public static ExpandMemo decode(String stored) {
			return new ExpandMemo(stored.startsWith(DEFAULT) ? stored.substring(DEFAULT.length()) : null);
		}

	}

	/** The base name of the objects zdm creates for operation {@code index} of migration {@code migrationId}. */
	public static String objectName(String migrationId, int index) {
		return ObjectNames.base(migrationId, index);
	}

	/**
	 * The name of the copy of index {@code original} on the new column: derived from the original's name,
	 * so that an index created or dropped on the old column meanwhile cannot shift one copy onto another.
	 */
	public static Identifier temporaryIndexName(String migrationId, int index, String original) {
		CRC32 crc = new CRC32();
		crc.update(original.getBytes(StandardCharsets.UTF_8));
		return Identifier.of(objectName(migrationId, index) + "_" + String.format("%08x", crc.getValue()));
	}

	/** The temporary name of a type change's new column ({@code <column>__zdm}). */
	public static Identifier temporaryName(Identifier column) {
		return Identifier.of(column.name() + TEMPORARY_SUFFIX);
	}

	/**
	 * Validates a copy. Returns the old column when it exists, for the operation's own checks.
	 */
	public static Optional<ColumnInfo> validate(Spec spec, OperationCheck check) throws SQLException {
		String id = check.plan().id();
		String base = objectName(id, check.index());
		List<String> names = new ArrayList<>(List.of(NotNullCheck.name(base).name()));
		try {
			names.add(temporaryIndexName(id, check.index(), "index").name());
		}
		catch (IllegalArgumentException ex) {
			names.add(base + "_xxxxxxxx");
		}
		if (!check.namesFit(names)) {
			return Optional.empty();
		}
		TableInfo table = check.table();
		Identifier oldName = spec.oldColumn();
		Identifier newName = spec.newColumn();
		if (table.primaryKey().isEmpty()) {
			check.fail("table " + table.qualifiedName() + " has no primary key; zdm backfills in batches over the "
					+ "primary key. Add one first.");
		}
		Optional<ColumnInfo> column = table.column(oldName.name());
		if (column.isEmpty()) {
			check.fail("table " + table.qualifiedName() + " has no column \"" + oldName + "\". Known columns: "
					+ table.columnNames() + ".");
			return Optional.empty();
		}
		ColumnInfo old = column.get();
		if (!check.claimColumn(old.name()) || !check.claimColumn(newName.name())) {
			check.fail("column \"" + oldName + "\" or \"" + newName + "\" of " + table.qualifiedName()
					+ " is already changed by an earlier operation of this plan: combine them into one operation or "
					+ "split them into two migrations.");
		}
		if (old.identity() || old.generated()) {
			check.fail("column \"" + oldName + "\" is " + (old.identity() ? "an identity" : "a generated")
					+ " column, which zdm cannot copy yet.");
		}
		if (check.beforeExpand() && table.column(newName.name()).isPresent()) {
			check.fail("table " + table.qualifiedName() + " already has a column \"" + newName + "\"; choose another name"
					+ ((spec.conversion() != null) ? " with 'rename'." : "."));
		}
		// Indexes and the unique constraints they back are rebuilt on the new column; nothing else is yet.
		List<IndexInfo> indexes = check.catalog().indexesOn(table, old);
		Set<Long> carried = new HashSet<>();
		for (IndexInfo index : indexes) {
			carried.add(index.oid());
			Integer other = check.claimIndex(index.oid());
			if (other != null) {
				check.fail("index " + index.name() + " covers columns changed by operations " + other + " and "
						+ check.index() + ", which zdm cannot rebuild in one step: change them in two migrations, or drop "
						+ "the index first and recreate it after.");
			}
			try {
				IndexDefinition.concurrentCopy(index.definition(), Identifier.of("zdm_check"), oldName, newName);
			}
			catch (IllegalArgumentException ex) {
				check.fail("index " + index.name() + " on \"" + oldName + "\" cannot be rebuilt on the new column: "
						+ ex.getMessage());
			}
		}
		List<ColumnDependent> dependents = check.catalog().dependents(table, old).stream()
			.filter((dependent) -> !("pg_class".equals(dependent.kind()) && carried.contains(dependent.oid())))
			.filter((dependent) -> !"u".equals(dependent.constraintType()))
			// zdm's triggers and version schema views on the column: this migration's own (after expand), or
			// another's, reported as holding the table.
			.filter((dependent) -> !check.isZdmDependent(dependent))
			.toList();
		if (!dependents.isEmpty()) {
			check.fail("column \"" + oldName + "\" is used by " + dependents.stream()
				.map(ColumnDependent::description)
				.collect(Collectors.joining(", "))
					+ "; zdm carries indexes and unique constraints across to the new column, but not these yet. "
					+ "Drop them before this migration and recreate them on \"" + newName + "\" after it.");
		}
		if (spec.conversion() == null) {
			// A plain copy adds the new column with the old one's type.
			check.checkNotConstrainedDomain(old.type(), old);
		}
		check.checkUserTriggers(old, newName, spec.finalName());
		return Optional.of(old);
	}

	/**
	 * Resolves a copy against the table as it is now: the old column must still exist.
	 * @throws IllegalStateException if it does not, or one of its indexes cannot be rebuilt concurrently
	 */
	public static Resolved resolve(Spec spec, ResolveContext context) throws SQLException {
		TableInfo table = context.table(spec.table());
		Identifier oldName = spec.oldColumn();
		ColumnInfo old = table.column(oldName.name())
			.orElseThrow(() -> new IllegalStateException("Table " + table.qualifiedName() + " has no column " + oldName));
		Identifier newName = spec.newColumn();
		Identifier finalName = spec.finalName();
		String base = context.objectName();
		// Expand moves the old column's default into the trigger; the memo remembers it.
		String oldDefault = context.memo().map(ExpandMemo::decode).map(ExpandMemo::oldDefault)
			.orElse(old.defaultExpression());
		Conversion conversion = spec.conversion();
		boolean identity = conversion == null;
		String newType = identity ? old.type() : conversion.type();
		String newDefault = identity ? oldDefault : conversion.defaultExpression();
		QualifiedName qualified = table.qualifiedName();
		// The row's columns when the triggers run, with their types: the table's and the new column expand adds.
		Map<String, String> columns = new LinkedHashMap<>();
		table.columns().forEach((column) -> columns.put(column.name(), column.type()));
		columns.putIfAbsent(newName.name(), newType);
		RowExpression upInTrigger = identity ? RowExpression.of("NEW." + oldName.quoted())
				: RowExpression.overRow(conversion.up(), newType, table.name(), columns);
		RowExpression downInTrigger = identity ? RowExpression.of("NEW." + newName.quoted())
				: RowExpression.overNewRow(conversion.down(), old.type(), newName, finalName, table.name(), columns);
		SyncTrigger trigger = new SyncTrigger(qualified, Identifier.of(base),
				new QualifiedName(context.functionSchema(), Identifier.of(base)), oldName, newName, upInTrigger,
				downInTrigger, oldDefault, SyncTrigger.updateColumns(table.name(), names(table.columns()),
						names(table.primaryKey()), identity ? List.of() : List.of(conversion.up(), conversion.down())));
		String upOverTable = identity ? oldName.quoted() : "CAST((" + conversion.up() + ") AS " + newType + ")";
		// As the trigger evaluates 'down': the new column under its final name shadows the row's columns.
		String downOverTable = identity ? newName.quoted()
				: "(SELECT CAST((" + conversion.down() + ") AS " + old.type() + ") FROM (SELECT " + newName.quoted()
						+ " AS " + finalName.quoted() + ") AS _zdm_new)";
		String outOfStep = "(" + newName.quoted() + " IS DISTINCT FROM " + upOverTable + ") AND (" + oldName.quoted()
				+ " IS DISTINCT FROM " + downOverTable + ")";
		NotNullCheck notNull = NotNullCheck.of(qualified, newName, base);
		String alter = "ALTER TABLE " + qualified.quoted() + " ";
		String on = context.description();

		List<String> expand = new ArrayList<>();
		// No default on the new column: existing rows stay NULL until backfilled, without a table rewrite.
		expand.add(alter + "ADD COLUMN IF NOT EXISTS " + newName.quoted() + " " + newType);
		if (oldDefault != null) {
			expand.add(alter + "ALTER COLUMN " + oldName.quoted() + " DROP DEFAULT");
		}
		expand.addAll(trigger.createFunctions(Authority.OLD));
		expand.addAll(trigger.createTriggers());

		BackfillTarget target = new BackfillTarget(qualified, table.primaryKey(), newName, upOverTable,
				newName.quoted() + " IS DISTINCT FROM " + upOverTable, trigger.triggerName(),
				old.notNull() ? newName.quoted() + " IS NULL" : null);

		// The old column's indexes, rebuilt on the new one under temporary names, renamed at contract.
		List<DdlStep> indexCopies = new ArrayList<>();
		List<String> indexRenames = new ArrayList<>();
		List<String> indexDrops = new ArrayList<>();
		for (IndexInfo original : context.catalog().indexesOn(table, old)) {
			Identifier temporary = temporaryIndexName(context.migrationId(), context.index(), original.name());
			QualifiedName temporaryIndex = new QualifiedName(qualified.schema(), temporary);
			indexCopies.add(new DdlStep.Concurrently("build " + temporary + " on " + qualified + "." + newName
					+ " (copy of " + original.name() + ")",
					IndexDefinition.concurrentCopy(original.definition(), temporary, oldName, newName), temporaryIndex));
			if (original.constraint() != null) {
				indexRenames.add(alter + "ADD CONSTRAINT " + Identifier.quote(original.constraint()) + " UNIQUE USING INDEX "
						+ temporary.quoted() + (original.deferrable() ? " DEFERRABLE" : "")
						+ (original.initiallyDeferred() ? " INITIALLY DEFERRED" : ""));
			}
			else {
				indexRenames.add("ALTER INDEX " + temporaryIndex.quoted() + " RENAME TO " + Identifier.quote(original.name()));
			}
			indexDrops.add("DROP INDEX IF EXISTS " + temporaryIndex.quoted());
		}

		List<String> switchOver = new ArrayList<>();
		switchOver.addAll(trigger.switchOver(TriggerInfo.argumentsByName(context.catalog().triggers(table))));
		if (old.notNull()) {
			switchOver.addAll(notNull.add());
		}

		List<String> contract = new ArrayList<>(trigger.dropTriggers());
		if (old.notNull()) {
			contract.addAll(notNull.setNotNull());
		}
		contract.add(alter + "DROP COLUMN " + oldName.quoted());
		if (newDefault != null) {
			contract.add(alter + "ALTER COLUMN " + newName.quoted() + " SET DEFAULT " + newDefault);
		}
		if (!newName.equals(finalName)) {
			contract.add(alter + "RENAME COLUMN " + newName.quoted() + " TO " + finalName.quoted());
		}
		// The old indexes went with the old column: their copies take their names.
		contract.addAll(indexRenames);
		contract.addAll(trigger.dropFunctions());

		List<String> rollback = new ArrayList<>(trigger.dropTriggers());
		rollback.addAll(trigger.dropFunctions());
		rollback.add(notNull.drop());
		rollback.addAll(indexDrops);
		rollback.add(alter + "DROP COLUMN IF EXISTS " + newName.quoted());
		if (oldDefault != null) {
			rollback.add(alter + "ALTER COLUMN " + oldName.quoted() + " SET DEFAULT " + oldDefault);
		}

		// An index created on the old column after switch would otherwise go with it.
		List<DdlStep> beforeContract = new ArrayList<>(indexCopies);
		if (old.notNull()) {
			// SHARE UPDATE EXCLUSIVE: the scan does not block reads or writes. The validated check lets
			// SET NOT NULL in the contract transaction skip its own scan under ACCESS EXCLUSIVE.
			beforeContract.add(notNull.validate(on));
		}
		return new Resolved(new DdlStep.InTransaction("expand " + on, expand), new ExpandMemo(oldDefault),
				Optional.of(new Backfill.SqlAssignment(target)), indexCopies,
				new DdlStep.InTransaction("switch " + on, switchOver), beforeContract,
				new DdlStep.InTransaction("contract " + on, contract),
				new DdlStep.InTransaction("rollback " + on, rollback),
				new VersionView(qualified, Set.of(oldName.name()), Map.of(newName.name(), finalName.name())),
				new Sync.Trigger(trigger, outOfStep));
	}

	private static List<String> names(List<ColumnInfo> columns) {
		return columns.stream().map(ColumnInfo::name).toList();
	}

}

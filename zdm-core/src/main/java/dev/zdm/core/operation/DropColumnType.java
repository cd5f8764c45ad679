package dev.zdm.core.operation;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.zdm.core.backfill.BackfillTarget;
import dev.zdm.core.catalog.ColumnDependent;
import dev.zdm.core.catalog.ColumnInfo;
import dev.zdm.core.catalog.DomainInfo;
import dev.zdm.core.catalog.TableInfo;
import dev.zdm.core.catalog.TriggerInfo;
import dev.zdm.core.ddl.DdlStep;
import dev.zdm.core.migration.MigrationException;
import dev.zdm.core.plan.DropColumn;
import dev.zdm.core.plan.OperationArguments;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.core.state.ArchiveStore;
import dev.zdm.core.state.ArchiveStore.Archive;
import dev.zdm.lint.SqlReferences;
import dev.zdm.lint.sql.SqlTokenizer;

/**
 * {@code dropColumn {table, column}}: the column's values are archived by primary key in zdm's schema, then
 * the column is dropped; a completed drop can be undone from the archive until it expires.
 * <ul>
 * <li>expand: the table keeps the column (hidden from the version schema, reported as deprecated). zdm
 * creates the archive table ({@code <state schema>.zdm_<id>_<n>_archive}: the primary key and the column)
 * with its row in {@code zdm_archive}, and an {@code AFTER INSERT OR UPDATE OR DELETE} trigger, enabled
 * {@code ALWAYS}, that upserts each written value into it (and forgets deleted rows). A {@code NOT NULL} column without a default gets
 * {@code DROP NOT NULL}, so that code that no longer sets it keeps working (with a default, writers that
 * leave it out get the default, and it stays {@code NOT NULL}).</li>
 * <li>backfill: existing values are copied into the archive in keyset batches ({@link Backfill.ArchiveCopy}:
 * resumable, upserted by key, rows read under a share lock so the latest value is the one copied), then
 * verified.</li>
 * <li>before contract: every row must be in the archive with its value, and the trigger enabled
 * {@code ALWAYS} (one scan, no lock that blocks writes).</li>
 * <li>contract, one transaction: lock the table (brief {@code ACCESS EXCLUSIVE}, under the lock timeout),
 * check the trigger again, drop it and the column.</li>
 * <li>rollback: drop the trigger and the archive; a dropped {@code NOT NULL} comes back through a
 * {@code CHECK ... NOT VALID}, validated without blocking writes, then {@code SET NOT NULL} (no scan).</li>
 * <li>undo (completed): add the column back (type, default; nullable), restore its values from the archive
 * with a backfill joining by primary key, then {@code NOT NULL} as in rollback.</li>
 * </ul>
 */
public final class DropColumnType implements OperationType<DropColumn> {

	/** How many keys of offending rows a report gives. */
	static final int EXAMPLES = 5;

	/**
	 * The memo of expand: whether it dropped the column's {@code NOT NULL}, which a rollback restores.
	 *
	 * @param notNullDropped whether expand dropped {@code NOT NULL}
	 */
	record ExpandMemo(boolean notNullDropped) implements Memo {

		private static final String DROPPED = "not-null-dropped";

		@Override
		public String encode() {
			return this.notNullDropped ? DROPPED : "not-null-kept";
		}

		static ExpandMemo decode(String stored) {
			return new ExpandMemo(DROPPED.equals(stored));
		}

	}

	@Override
	public String kind() {
		return "dropColumn";
	}

	@Override
	public Class<DropColumn> operationClass() {
		return DropColumn.class;
	}

	@Override
	public Set<String> keys() {
		return Set.of("table", "column");
	}

	@Override
	public DropColumn read(OperationArguments arguments) {
		QualifiedName table = arguments.table("table");
		Identifier column = arguments.identifier("column", true);
		return arguments.build(() -> new DropColumn(table, column));
	}

	private static Identifier notNullCheck(String base) {
		return Identifier.of(base + "_nn");
	}

	@Override
	public void validate(DropColumn operation, OperationCheck check) throws SQLException {
		String base = ObjectNames.base(check.plan().id(), check.index());
		if (!check.namesFit(List.of(base + ArchiveStore.SUFFIX, notNullCheck(base).name()))) {
			return;
		}
		TableInfo table = check.table();
		QualifiedName qualified = table.qualifiedName();
		String name = operation.column().name();
		Optional<ColumnInfo> found = table.column(name);
		if (found.isEmpty()) {
			check.fail("table " + qualified + " has no column \"" + name + "\". Known columns: " + table.columnNames()
					+ ".");
			return;
		}
		ColumnInfo column = found.get();
		if (table.primaryKey().isEmpty()) {
			check.fail("table " + qualified + " has no primary key: zdm archives the values of \"" + name + "\" by "
					+ "primary key before it drops the column (and undo restores them by it). Add a primary key first.");
			return;
		}
		if (table.primaryKey().stream().anyMatch((key) -> key.name().equals(name))) {
			check.fail("column \"" + name + "\" is part of the primary key of " + qualified + ", by which zdm archives "
					+ "the column's values. Change the primary key in a migration of its own first.");
			return;
		}
		if (!check.claimColumn(name)) {
			check.fail("column \"" + name + "\" of " + qualified + " is already changed by an earlier operation of this "
					+ "plan: drop it in a migration of its own.");
		}
		if (column.generated()) {
			check.fail("column \"" + name + "\" is a generated column: it holds no data of its own to archive, and undo "
					+ "could not restore its expression. Drop it outside zdm (ALTER TABLE " + qualified.quoted()
					+ " DROP COLUMN " + operation.column().quoted() + " is metadata only).");
		}
		if (column.identity()) {
			check.fail("column \"" + name + "\" is an identity column, whose sequence undo could not restore. Drop the "
					+ "identity first (ALTER TABLE " + qualified.quoted() + " ALTER COLUMN " + operation.column().quoted()
					+ " DROP IDENTITY), then drop the column with zdm.");
		}
		List<ColumnDependent> dependents = check.catalog().dependents(table, column).stream()
			.filter((dependent) -> !check.isZdmDependent(dependent))
			.toList();
		if (!dependents.isEmpty()) {
			check.fail("column \"" + name + "\" is used by " + dependents.stream()
				.map(ColumnDependent::description)
				.collect(Collectors.joining(", ")) + ": dropping the column would drop "
					+ ((dependents.size() > 1) ? "them" : "it") + " too. Drop or change "
					+ ((dependents.size() > 1) ? "them" : "it") + " first, in an earlier migration (dropIndex for an "
					+ "index; ALTER TABLE ... DROP CONSTRAINT for a constraint; CREATE OR REPLACE VIEW without the column "
					+ "for a view), then start this one.");
		}
		List<TriggerInfo> reading = check.triggers().stream()
			.filter((trigger) -> !check.isZdmTrigger(trigger))
			.filter((trigger) -> SqlReferences.mentions(trigger.body(), name)
					|| trigger.arguments().stream().anyMatch((argument) -> argument.equals(name)))
			.toList();
		if (!reading.isEmpty()) {
			check.fail("column \"" + name + "\" is read by trigger" + ((reading.size() > 1) ? "s " : " ")
					+ reading.stream().map((trigger) -> trigger.name() + " (function " + trigger.function() + ")")
						.collect(Collectors.joining(", "))
					+ ": once the column is gone every write would fail in them. Change them not to use the column "
					+ "first, then start this migration.");
		}
	}

	@Override
	public Resolved resolve(DropColumn operation, ResolveContext context) throws SQLException {
		TableInfo table = context.table(operation.table());
		QualifiedName qualified = table.qualifiedName();
		Identifier name = operation.column();
		ColumnInfo column = table.column(name.name())
			.orElseThrow(() -> new MigrationException("Column " + name + " of " + qualified + " (" + context.description()
					+ ") no longer exists"));
		String base = context.objectName();
		String on = context.description();
		String alter = "ALTER TABLE " + qualified.quoted() + " ";
		ExpandMemo memo = context.memo().map(ExpandMemo::decode)
			.orElse(new ExpandMemo(column.notNull() && column.defaultExpression() == null));
		Identifier schema = context.functionSchema();
		QualifiedName archive = ArchiveStore.archiveTable(schema, base);
		QualifiedName function = new QualifiedName(schema, Identifier.of(base));
		Identifier trigger = Identifier.of(base);
		List<ColumnInfo> key = table.primaryKey();

		List<String> expand = new ArrayList<>();
		expand.add("CREATE TABLE IF NOT EXISTS " + archive.quoted() + " (" + key.stream()
			.map((k) -> quote(k) + " " + k.type() + " NOT NULL")
			.collect(Collectors.joining(", ")) + ", " + name.quoted() + " " + column.type() + ", PRIMARY KEY ("
				+ keys(key, "") + "))");
		expand.add(ArchiveStore.register(schema, context.migrationId(), context.index(), qualified, name, column.type(),
				column.defaultExpression(), column.notNull() || memo.notNullDropped(), archive));
		expand.add(archiveFunction(function, archive, key, name));
		expand.add("CREATE OR REPLACE TRIGGER " + trigger.quoted() + " AFTER INSERT OR UPDATE OR DELETE ON " + qualified.quoted()
				+ " FOR EACH ROW EXECUTE FUNCTION " + function.quoted() + "()");
		expand.add(alter + "ENABLE ALWAYS TRIGGER " + trigger.quoted());
		if (memo.notNullDropped() && column.notNull()) {
			expand.add(alter + "ALTER COLUMN " + name.quoted() + " DROP NOT NULL");
		}

		String table0 = qualified.quoted();
		String match = "(" + keys(key, "_zdm_a.") + ") = (" + keys(key, table0 + ".") + ")";
		String unarchived = "NOT EXISTS (SELECT 1 FROM " + archive.quoted() + " AS _zdm_a WHERE " + match + " AND _zdm_a."
				+ name.quoted() + "::text IS NOT DISTINCT FROM " + table0 + "." + name.quoted() + "::text)";
		BackfillTarget target = BackfillTarget.copy(qualified, key, name, unarchived, archive);

		String triggerCheck = "IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger WHERE tgrelid = "
				+ literal(qualified.quoted()) + "::regclass AND tgname = " + literal(trigger.name())
				+ " AND tgenabled = 'A') THEN RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state', "
				+ "MESSAGE = " + literal("zdm's archive trigger " + trigger.name() + " on " + qualified + " is missing or "
						+ "not enabled ALWAYS, so writes to column " + name + " may have escaped the archive: roll the "
						+ "migration back (the column is still there, with every write) and start it again")
				+ "; END IF;";
		List<DdlStep> beforeContract = List.of(new DdlStep.Validating("verify the archive of " + qualified + "." + name
				+ " for " + on, report(table, unarchived, triggerCheck, "%s rows of %s are not in the archive of column "
						+ name.name().replace("%", "%%") + " with their value, for example the rows with (%s) = %s: writes "
						+ "escaped zdm's archive trigger " + trigger.name() + " (disabled for a while?). Roll the migration "
						+ "back (the column is still there, with every write) and start it again")));

		List<String> contract = new ArrayList<>();
		// Under the table's lock no write can slip between the check and the drop.
		contract.add("LOCK TABLE " + qualified.quoted() + " IN ACCESS EXCLUSIVE MODE");
		contract.add(doBlock("BEGIN " + triggerCheck + " END"));
		contract.add("DROP TRIGGER IF EXISTS " + trigger.quoted() + " ON " + qualified.quoted());
		contract.add(alter + "DROP COLUMN " + name.quoted());
		contract.add("DROP FUNCTION IF EXISTS " + function.quoted() + "()");
		contract.add(ArchiveStore.markDropped(schema, context.migrationId(), context.index()));

		List<String> rollback = new ArrayList<>();
		List<DdlStep> rollbackOutside = new ArrayList<>();
		if (context.memo().isPresent()) {
			rollback.add("DROP TRIGGER IF EXISTS " + trigger.quoted() + " ON " + qualified.quoted());
			rollback.add("DROP FUNCTION IF EXISTS " + function.quoted() + "()");
			rollback.add("DROP TABLE IF EXISTS " + archive.quoted());
			rollback.add(ArchiveStore.forget(schema, context.migrationId(), context.index()));
			if (memo.notNullDropped() && !column.notNull()) {
				restoreNotNull(context, table, name, base, on, "%s rows of %s hold NULL in column " + name.name().replace("%", "%%")
						+ " (for example the rows with (%s) = %s), written since expand dropped its NOT NULL, so the "
						+ "rollback cannot restore it. Give those rows a value (UPDATE " + qualified.quoted().replace("%", "%%")
						+ " SET " + name.quoted().replace("%", "%%") + " = ... WHERE " + name.quoted().replace("%", "%%")
						+ " IS NULL), then roll back again", rollbackOutside, rollback);
			}
		}
		return new Resolved(new DdlStep.InTransaction("expand " + on, expand), memo,
				Optional.of(new Backfill.ArchiveCopy(target)), List.of(), DdlStep.InTransaction.none("switch " + on),
				beforeContract, new DdlStep.InTransaction("contract " + on, contract),
				new DdlStep.InTransaction("rollback " + on, rollback),
				new VersionView(qualified, Set.of(name.name()), Map.of()), Sync.NONE,
				new Resolved.Outside(List.of(), List.of(), rollbackOutside));
	}

	/**
	 * {@code NOT NULL} back without a scan under {@code ACCESS EXCLUSIVE}: a {@code CHECK ... NOT VALID}, a count
	 * of the rows that hold {@code NULL} (reported with {@code nullsMessage}), {@code VALIDATE} (no lock that
	 * blocks writes) into {@code outside}; {@code SET NOT NULL}, which uses the validated check, and the
	 * check's drop into {@code inTransaction}.
	 */
	private static void restoreNotNull(ResolveContext context, TableInfo table, Identifier name, String base, String on,
			String nullsMessage, List<DdlStep> outside, List<String> inTransaction) throws SQLException {
		QualifiedName qualified = table.qualifiedName();
		String alter = "ALTER TABLE " + qualified.quoted() + " ";
		Identifier check = notNullCheck(base);
		Optional<Boolean> validated = context.catalog().constraintValidated(table, check.name());
		if (validated.isEmpty()) {
			outside.add(new DdlStep.InTransaction("add " + check + " on " + qualified + " for " + on, List.of(alter + "ADD CONSTRAINT "
					+ check.quoted() + " CHECK (" + name.quoted() + " IS NOT NULL) NOT VALID")));
		}
		if (!validated.orElse(false)) {
			outside.add(new DdlStep.Validating("count NULLs of " + qualified + "." + name + " for " + on,
					report(table, qualified.quoted() + "." + name.quoted() + " IS NULL", "", nullsMessage)));
			outside.add(new DdlStep.Validating("validate " + check + " on " + qualified + " for " + on,
					alter + "VALIDATE CONSTRAINT " + check.quoted()));
		}
		inTransaction.add(alter + "ALTER COLUMN " + name.quoted() + " SET NOT NULL");
		inTransaction.add(alter + "DROP CONSTRAINT IF EXISTS " + check.quoted());
	}

	@Override
	public Undo undo(DropColumn operation, ResolveContext context, Connection connection) throws SQLException {
		Identifier schema = context.functionSchema();
		Optional<Archive> found = ArchiveStore.find(connection, schema, context.migrationId(), context.index());
		String what = "column " + operation.column() + " of " + operation.table();
		if (found.isEmpty() || found.get().droppedAt() == null) {
			return Undo.refused(what + " has no archive: the column was not dropped by this migration.");
		}
		Archive archive = found.get();
		what = "column " + archive.column() + " of " + archive.table();
		if (archive.expiredAt() != null) {
			return Undo.refused("the archive of " + what + " expired on " + archive.expiredAt() + " (zdm.archive.retention) "
					+ "and its data was deleted: restore the column from a backup instead.");
		}
		Optional<TableInfo> current = context.catalog().table(archive.table());
		if (current.isEmpty()) {
			return Undo.refused("table " + archive.table() + " no longer exists, so " + what + " cannot be added back.");
		}
		Optional<TableInfo> archived = context.catalog().table(archive.archive());
		if (archived.isEmpty()) {
			return Undo.refused("the archive table " + archive.archive() + " of " + what + " is missing (dropped by "
					+ "hand?): restore the column from a backup instead.");
		}
		TableInfo table = current.get();
		QualifiedName qualified = table.qualifiedName();
		Identifier name = archive.column();
		Optional<ColumnInfo> column = table.column(name.name());
		if (column.isPresent() && archive.undoStartedAt() == null) {
			return Undo.refused("table " + qualified + " already has a column \"" + name + "\" (added since the drop): "
					+ "rename or drop it, then undo again.");
		}
		if (column.isEmpty()) {
			String problem = typeProblem(context, archive);
			if (problem != null) {
				return Undo.refused(problem + " Restore the column by hand from the archive table " + archive.archive()
						+ " (the primary key and the column), which is kept until it expires.");
			}
		}
		List<String> key = table.primaryKey().stream().map(ColumnInfo::name).toList();
		List<String> archivedKey = archived.get().primaryKey().stream().map(ColumnInfo::name).toList();
		if (key.isEmpty() || !key.equals(archivedKey)) {
			return Undo.refused("the primary key of " + qualified + " is now (" + String.join(", ", key) + "), but the "
					+ "archive of " + what + " is keyed by (" + String.join(", ", archivedKey) + "), by which undo restores "
					+ "the values: restore that primary key first, then undo again.");
		}
		String on = context.description();
		String alter = "ALTER TABLE " + qualified.quoted() + " ";
		String base = context.objectName();

		List<String> prepare = new ArrayList<>();
		// Nullable and without a default first: adding it is metadata only; the default then serves new rows.
		prepare.add(alter + "ADD COLUMN IF NOT EXISTS " + name.quoted() + " " + archive.type());
		if (archive.defaultExpression() != null) {
			prepare.add(alter + "ALTER COLUMN " + name.quoted() + " SET DEFAULT " + archive.defaultExpression());
		}
		prepare.add(ArchiveStore.markUndoStarted(schema, context.migrationId(), context.index()));

		String table0 = qualified.quoted();
		String match = "(" + keys(table.primaryKey(), "_zdm_a.") + ") = (" + keys(table.primaryKey(), table0 + ".") + ")";
		String from = " FROM " + archive.archive().quoted() + " AS _zdm_a WHERE " + match;
		String value = "(SELECT _zdm_a." + name.quoted() + from + ")";
		String nonNull = "EXISTS (SELECT 1" + from + " AND _zdm_a." + name.quoted() + " IS NOT NULL)";
		String assignment;
		String mismatch;
		if (archive.defaultExpression() != null) {
			// Rows inserted after the drop have no archived value: they get the default, as ADD COLUMN would give.
			assignment = "CASE WHEN EXISTS (SELECT 1" + from + ") THEN " + value + " ELSE ("
					+ archive.defaultExpression() + ") END";
			mismatch = table0 + "." + name.quoted() + " IS NULL AND (" + nonNull + " OR NOT EXISTS (SELECT 1" + from + "))";
		}
		else {
			assignment = value;
			mismatch = table0 + "." + name.quoted() + " IS NULL AND " + nonNull;
		}
		BackfillTarget restore = new BackfillTarget(qualified, table.primaryKey(), name, assignment, mismatch, null,
				null);

		List<DdlStep> beforeFinish = new ArrayList<>();
		List<String> finish = new ArrayList<>();
		if (archive.notNull() && column.isPresent() && !column.get().notNull()) {
			restoreNotNull(context, table, name, base, on, "%s rows of %s have no value for column "
					+ name.name().replace("%", "%%") + " (for example the rows with (%s) = %s): they were inserted after "
					+ "the column was dropped, and the archive has none, so its NOT NULL cannot be restored. Give those rows "
					+ "a value (UPDATE " + table0.replace("%", "%%") + " SET " + name.quoted().replace("%", "%%")
					+ " = ... WHERE " + name.quoted().replace("%", "%%") + " IS NULL), then undo again", beforeFinish,
					finish);
		}
		finish.add(ArchiveStore.markUndone(schema, context.migrationId(), context.index()));
		return new Undo(null, new DdlStep.InTransaction("undo " + on + ": add " + name + " back", prepare),
				Optional.of(new Backfill.SqlAssignment(restore)), beforeFinish,
				new DdlStep.InTransaction("undo " + on + ": finish", finish));
	}

	/**
	 * Why the column cannot be added back with its type, or {@code null}: the type is gone, or a domain whose
	 * {@code NOT NULL}, check or default would make {@code ADD COLUMN} check or fill every row under
	 * {@code ACCESS EXCLUSIVE}.
	 */
	private static String typeProblem(ResolveContext context, Archive archive) throws SQLException {
		if (!context.catalog().typeExists(archive.type())) {
			return "the type " + archive.type() + " of column " + archive.column() + " no longer exists: create it again, "
					+ "then undo again.";
		}
		for (DomainInfo domain : context.catalog().domains(archive.type())) {
			if (domain.constrains()) {
				return "the type " + archive.type() + " of column " + archive.column() + " is a domain with a NOT NULL, "
						+ "check or default (domain " + domain.name() + "): adding the column back would check or fill every "
						+ "row of " + archive.table() + " under an ACCESS EXCLUSIVE lock.";
			}
		}
		return null;
	}

	/** The trigger function that upserts each written value into the archive, as zdm's role. */
	private static String archiveFunction(QualifiedName function, QualifiedName archive, List<ColumnInfo> key,
			Identifier column) {
		String unchanged = "NEW." + column.quoted() + "::text IS NOT DISTINCT FROM OLD." + column.quoted() + "::text AND ROW("
				+ keys(key, "NEW.") + ") IS NOT DISTINCT FROM ROW(" + keys(key, "OLD.") + ")";
		String body = "BEGIN\n"
				// A deleted row, or a row whose key moved, leaves no archived value behind under its old key.
				+ "  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND ROW(" + keys(key, "NEW.") + ") IS DISTINCT FROM ROW("
				+ keys(key, "OLD.") + ")) THEN\n"
				+ "    DELETE FROM " + archive.quoted() + " WHERE (" + keys(key, "") + ") = (" + keys(key, "OLD.") + ");\n"
				+ "  END IF;\n"
				+ "  IF TG_OP = 'DELETE' THEN\n"
				+ "    RETURN NULL;\n"
				+ "  END IF;\n"
				// A write that changes neither the value nor the key leaves the archive as it is.
				+ "  IF TG_OP = 'UPDATE' AND " + unchanged + " THEN\n"
				+ "    RETURN NULL;\n"
				+ "  END IF;\n"
				+ "  INSERT INTO " + archive.quoted() + " (" + keys(key, "") + ", " + column.quoted() + ") VALUES ("
				+ keys(key, "NEW.") + ", NEW." + column.quoted() + ") ON CONFLICT (" + keys(key, "") + ") DO UPDATE SET "
				+ column.quoted() + " = EXCLUDED." + column.quoted() + ";\n"
				+ "  RETURN NULL;\n"
				+ "END\n";
		String tag = SqlTokenizer.freeDollarTag(body, "zdm_archive");
		// SECURITY DEFINER: the application's role writes the table, zdm's role owns the archive.
		return "CREATE OR REPLACE FUNCTION " + function.quoted() + "() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
				+ "SET search_path = pg_catalog, pg_temp AS " + tag + "\n" + body + tag;
	}

	/**
	 * A {@code DO} block that runs {@code before}, then counts the rows of {@code table} for which
	 * {@code predicate} holds and, if there are any, fails with {@code message} (a {@code format} string given
	 * the count, the table, the key's names and the first keys).
	 */
	private static String report(TableInfo table, String predicate, String before, String message) {
		String keys = keys(table.primaryKey(), "");
		String keyNames = table.primaryKey().stream().map(ColumnInfo::name).collect(Collectors.joining(", "));
		return doBlock("DECLARE _zdm_n bigint; _zdm_keys text; BEGIN " + before
				+ " SELECT count(*), string_agg(_zdm_k, ', ' ORDER BY _zdm_i) FILTER (WHERE _zdm_i <= " + EXAMPLES
				+ ") INTO _zdm_n, _zdm_keys FROM (SELECT ROW(" + keys + ")::text AS _zdm_k, row_number() OVER (ORDER BY "
				+ keys + ") AS _zdm_i FROM " + table.qualifiedName().quoted() + " WHERE " + predicate + ") AS _zdm_v; "
				+ "IF _zdm_n > 0 THEN RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = format("
				+ literal(message) + ", _zdm_n, " + literal(table.qualifiedName().toString()) + ", " + literal(keyNames)
				+ ", _zdm_keys); END IF; END ");
	}

	private static String doBlock(String body) {
		String tag = SqlTokenizer.freeDollarTag(body, "zdm");
		return "DO " + tag + body + tag;
	}

	private static String keys(List<ColumnInfo> key, String prefix) {
		return key.stream().map((column) -> prefix + quote(column)).collect(Collectors.joining(", "));
	}

	private static String quote(ColumnInfo column) {
		return Identifier.quote(column.name());
	}

	private static String literal(String text) {
		return "'" + text.replace("'", "''") + "'";
	}

}

package dev.zdm.core.sync;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.lint.sql.SqlTokenizer;

/**
 * The SQL of the triggers that keep two columns of one table in step while old and new code run side by side.
 * <p>
 * On {@code INSERT} a new column left {@code NULL} is computed from the old one (after the old column's
 * default applies, when the insert set neither), and an old column left {@code NULL} from the new one. An
 * {@code INSERT} has no target list a trigger can see, so an explicit {@code NULL} there reads as "not given".
 * <p>
 * On {@code UPDATE} a side counts as written when its value changed or when the statement assigned it,
 * whatever the value: {@code SET email_address = NULL} on a row whose new column is still {@code NULL} is a
 * write. The main trigger cannot see the target list, so two small "mark" triggers, {@code BEFORE UPDATE OF}
 * each column, record that the statement assigned it; PostgreSQL fires them for a column in the {@code SET}
 * list of an {@code UPDATE}, an {@code INSERT ... ON CONFLICT DO UPDATE}, a {@code MERGE} or an update through
 * an auto-updatable view. Their names sort before the main trigger's, and the row triggers of one event fire
 * in name order for one row before the next row, so the main trigger of a row reads the marks of that row;
 * a mark is kept in a transaction-local setting with the old row's {@code ctid}, which identifies the row
 * within its statement, and the main trigger clears it. A mark only fires when the value did not change
 * (its {@code WHEN}): a change is seen anyway, so ordinary writes pay one trigger, not two. The mark triggers
 * have a function of their own ({@link #markFunction}), so that the main function's way through an update
 * tests nothing about which trigger called it: PL/pgSQL prepares each expression it evaluates again in every
 * transaction, and on a load of one-row transactions each expression is a measurable part of the write.
 * <p>
 * Then the side written alone is propagated to the other; when both were written and only one changed,
 * the changed one is; otherwise (both changed, or neither was written: an update of the key) the
 * authoritative side is propagated again: the old column until switch, the new one after. Recomputing on an
 * update of the key syncs a row the backfill has not reached yet, which is what keeps a row whose key moves
 * behind the backfill's cursor from escaping it; so does an update of a column {@code up} or {@code down}
 * reads. An update that assigns none of those does not fire the main trigger at all ({@code UPDATE OF} both
 * sides, the key and the columns the expressions name, {@link #updateColumns}): it cannot change either
 * side (the application's own triggers that would are refused when the plan is validated), and most writes
 * of a wide table leave the migrated columns alone.
 * <p>
 * The expressions read the row's columns they name through variables assigned from {@code NEW}
 * ({@link RowExpression}), so columns added, renamed or dropped elsewhere in the table while the triggers
 * exist do not break them.
 * <p>
 * The triggers do not fire for zdm's own backfill, whose transactions set the trigger's
 * {@link #bypassSetting} to {@code on}: the backfill writes the new column from the old in the same statement, so the
 * trigger would only pay its cost twice, and might convert the value back. They are enabled
 * {@code ALWAYS}, so that they also fire under {@code session_replication_role = replica} (logical
 * replication's apply, some ETL tools).
 *
 * @param table the table
 * @param triggerName the main trigger's name; the mark triggers' names derive from it
 * @param function the main trigger's function, schema-qualified; the mark triggers' function derives from it
 * ({@link #markFunction})
 * @param oldColumn the old column
 * @param newColumn the new column
 * @param upExpression SQL computing the new value inside the trigger ({@link RowExpression})
 * @param downExpression SQL computing the old value inside the trigger
 * @param oldDefault the old column's default, applied by the trigger when an insert sets neither side, or
 * {@code null}. While the migration runs, neither column has a default of its own: a default would make
 * a side that the writer left out look written, and the trigger could not tell which side to keep.
 */
public record SyncTrigger(QualifiedName table, Identifier triggerName, QualifiedName function,
		List<Identifier> oldColumns, List<Identifier> newColumns, List<RowExpression> upExpressions,
		List<RowExpression> downExpressions, List<String> oldDefaults, List<Identifier> updateColumns) {

	/**
	 * Triggers that keep a group of old columns and a group of new columns in step ({@code replaceColumns}):
	 * a side is written when any of its columns is, and is computed whole from the other side, one expression
	 * per column. On {@code INSERT} the new side is computed when all its columns are {@code NULL}, the old
	 * side when all of its are.
	 *
	 * @param oldColumns the old columns
	 * @param newColumns the new columns
	 * @param upExpressions per new column, SQL computing it inside the trigger
	 * @param downExpressions per old column, SQL computing it inside the trigger
	 * @param oldDefaults per old column, its default applied by the trigger on an insert that sets neither
	 * side, or {@code null}
	 * @param updateColumns besides both sides, the columns whose assignment by an update fires the main
	 * trigger: the table's key and the columns {@code up} and {@code down} read ({@link #updateColumns}); empty
	 * for a main trigger that fires on every update
	 */
	public SyncTrigger {
		updateColumns = List.copyOf(updateColumns);
		oldColumns = List.copyOf(oldColumns);
		newColumns = List.copyOf(newColumns);
		upExpressions = List.copyOf(upExpressions);
		downExpressions = List.copyOf(downExpressions);
		oldDefaults = Collections.unmodifiableList(new ArrayList<>(oldDefaults));
		if (oldColumns.isEmpty() || newColumns.isEmpty() || upExpressions.size() != newColumns.size()
				|| downExpressions.size() != oldColumns.size() || oldDefaults.size() != oldColumns.size()) {
			throw new IllegalArgumentException("One expression per column of each side, and at least one column each");
		}
	}

	/** Triggers that keep one old column and one new column in step. */
	public SyncTrigger(QualifiedName table, Identifier triggerName, QualifiedName function, Identifier oldColumn,
			Identifier newColumn, RowExpression upExpression, RowExpression downExpression, String oldDefault,
			List<Identifier> updateColumns) {
		this(table, triggerName, function, List.of(oldColumn), List.of(newColumn), List.of(upExpression),
				List.of(downExpression), Collections.singletonList(oldDefault), updateColumns);
	}

	/** The (first) old column. */
	public Identifier oldColumn() {
		return this.oldColumns.get(0);
	}

	/** The (first) new column. */
	public Identifier newColumn() {
		return this.newColumns.get(0);
	}

	/** Which side wins when a writer sets both. */
	public enum Authority {

		/** Before switch: the old column. */
		OLD,
		/** After switch: the new column. */
		NEW

	}

	/**
	 * The session setting that zdm's backfill set, before one pass could serve several operations of a
	 * table, to the name of the one trigger it bypasses; triggers created then still read it.
	 */
	public static final String BACKFILL_SETTING = "zdm.backfill";

	/**
	 * The transaction-local setting, {@code on} while zdm's backfill writes, that the trigger {@code trigger}
	 * does not fire for: one per trigger, named from a digest of the trigger's name, so that one backfill
	 * pass can bypass the triggers of several operations of a table.
	 */
	public static String bypassSetting(Identifier trigger) {
		try {
			byte[] digest = MessageDigest.getInstance("MD5").digest(trigger.name().getBytes(StandardCharsets.UTF_8));
			return "zdm.bypass_" + HexFormat.of().formatHex(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("MD5 is part of every Java runtime", ex);
		}
	}

	/**
	 * The {@code WHEN} condition of a zdm trigger called {@code trigger} that must not fire for zdm's own backfill:
	 * true unless the backfill set the trigger's {@link #bypassSetting}.
	 */
	public static String notBypassed(Identifier trigger) {
		return "current_setting('" + bypassSetting(trigger) + "', true) IS DISTINCT FROM 'on'";
	}

	/**
	 * The name of the trigger that marks writes of the new column ({@code new}) or of the old one. It sorts
	 * before the main trigger's name {@code zdm_<id>_<n>}: the same prefix, then {@code 0} where the main
	 * name has the operation number (which never starts with {@code 0}).
	 */
	public static Identifier markName(Identifier triggerName, boolean newColumn) {
		String name = triggerName.name();
		int last = name.lastIndexOf('_');
		return Identifier.of(name.substring(0, last + 1) + "0" + name.substring(last + 1) + (newColumn ? "_new" : "_old"));
	}

	/** The main trigger and the two mark triggers, main first. */
	public List<Identifier> triggerNames() {
		return List.of(this.triggerName, markName(this.triggerName, true), markName(this.triggerName, false));
	}

	/** The transaction-local setting in which the mark trigger of a side records the row it saw assigned. */
	private String markSetting(boolean newColumn) {
		return "zdm." + (newColumn ? "n_" : "o_") + this.triggerName.name();
	}

	/**
	 * The mark triggers' function: {@code <function>_mark}, in the main function's schema. It records the row's
	 * {@code ctid} in the setting its trigger names as argument.
	 */
	public QualifiedName markFunction() {
		return new QualifiedName(this.function.schema(), Identifier.of(this.function.name().name() + "_mark"));
	}

	/**
	 * {@code CREATE OR REPLACE FUNCTION} of the mark triggers' function and of the main function, with
	 * {@code authority} deciding conflicts.
	 */
	public List<String> createFunctions(Authority authority) {
		String mark = "BEGIN\n"
				+ "  PERFORM set_config(TG_ARGV[0], OLD.ctid::text, true);\n"
				+ "  RETURN NEW;\n"
				+ "END\n";
		return List.of("CREATE OR REPLACE FUNCTION " + markFunction().quoted() + "() RETURNS trigger LANGUAGE plpgsql AS $zdm_mark$\n"
				+ mark + "$zdm_mark$", createFunction(authority));
	}

	/** {@code CREATE OR REPLACE FUNCTION}: the main function with {@code authority} deciding conflicts. */
	private String createFunction(Authority authority) {
		String toNew = assignments(this.newColumns, this.upExpressions);
		String toOld = assignments(this.oldColumns, this.downExpressions);
		String newNull = each(this.newColumns, "NEW.%s IS NULL", " AND ");
		String oldNull = each(this.oldColumns, "NEW.%s IS NULL", " AND ");
		StringBuilder defaults = new StringBuilder();
		for (int i = 0; i < this.oldColumns.size(); i++) {
			String o = "NEW." + this.oldColumns.get(i).quoted();
			if (this.oldDefaults.get(i) != null) {
				defaults.append("      IF " + o + " IS NULL THEN " + o + " := " + this.oldDefaults.get(i) + "; END IF;\n");
			}
		}
		String winner = (authority == Authority.OLD) ? toNew : toOld;
		String newMark = markSetting(true);
		String oldMark = markSetting(false);
		// Names in 'up' and 'down' that are both a column of a sub-select's table and a variable of the trigger's
		// (RowExpression) mean the column, as they would over the table.
		String body = "#variable_conflict use_column\n"
				+ "DECLARE\n"
				+ "  _zdm_n_changed boolean; _zdm_o_changed boolean; _zdm_n boolean; _zdm_o boolean;\n"
				+ "BEGIN\n"
				+ "  IF TG_OP = 'INSERT' THEN\n"
				+ "    IF " + newNull + " THEN\n"
				+ defaults
				+ "      " + toNew + "\n"
				+ "    ELSIF " + oldNull + " THEN " + toOld + "\n"
				+ "    ELSE " + winner + "\n"
				+ "    END IF;\n"
				+ "    RETURN NEW;\n"
				+ "  END IF;\n"
				+ shortWays(toNew, toOld, newMark, oldMark)
				+ "  _zdm_n_changed := " + each(this.newColumns, "NEW.%1$s IS DISTINCT FROM OLD.%1$s", " OR ") + ";\n"
				+ "  _zdm_o_changed := " + each(this.oldColumns, "NEW.%1$s IS DISTINCT FROM OLD.%1$s", " OR ") + ";\n"
				+ "  _zdm_n := _zdm_n_changed;\n"
				+ "  _zdm_o := _zdm_o_changed;\n"
				// A mark only exists for a side assigned without a change; most writes skip reading the row's ctid.
				+ "  IF NOT _zdm_n_changed AND current_setting('" + newMark + "', true) <> '' THEN\n"
				+ "    _zdm_n := current_setting('" + newMark + "', true) = OLD.ctid::text;\n"
				+ "    PERFORM set_config('" + newMark + "', '', true);\n"
				+ "  END IF;\n"
				+ "  IF NOT _zdm_o_changed AND current_setting('" + oldMark + "', true) <> '' THEN\n"
				+ "    _zdm_o := current_setting('" + oldMark + "', true) = OLD.ctid::text;\n"
				+ "    PERFORM set_config('" + oldMark + "', '', true);\n"
				+ "  END IF;\n"
				+ "  IF _zdm_n AND _zdm_o THEN\n"
				// Both assigned: a value that changed beats one that was written back unchanged.
				+ "    _zdm_n := _zdm_n_changed OR NOT _zdm_o_changed;\n"
				+ "    _zdm_o := _zdm_o_changed OR NOT _zdm_n_changed;\n"
				+ "  END IF;\n"
				+ partialNewSide()
				+ "  IF _zdm_n AND NOT _zdm_o THEN " + toOld + "\n"
				+ "  ELSIF _zdm_o AND NOT _zdm_n THEN " + toNew + "\n"
				+ "  ELSE " + winner + "\n"
				+ "  END IF;\n"
				+ "  RETURN NEW;\n"
				+ "END\n";
		// A dollar-quote tag the body cannot contain, whatever the plan's expressions hold.
		String tag = SqlTokenizer.freeDollarTag(body, "zdm_sync");
		return "CREATE OR REPLACE FUNCTION " + this.function.quoted() + "() RETURNS trigger LANGUAGE plpgsql AS " + tag
				+ "\n" + body + tag;
	}

	/**
	 * The commonest updates, each decided by one condition: one side changed and the other did not. The other
	 * side's mark, if the statement set one, cannot change the outcome (a value that changed beats one written
	 * back unchanged), so it is only cleared; the changed side is propagated. The way below reaches the same
	 * outcome in about twice as many PL/pgSQL expressions, each prepared again in every transaction. The new
	 * side's short way is for one new column only: with several, a partial write needs {@link #partialNewSide}.
	 */
	private String shortWays(String toNew, String toOld, String newMark, String oldMark) {
		String newSame = each(this.newColumns, "NEW.%1$s IS NOT DISTINCT FROM OLD.%1$s", " AND ");
		String oldSame = each(this.oldColumns, "NEW.%1$s IS NOT DISTINCT FROM OLD.%1$s", " AND ");
		String shortWays = "  IF NOT (" + oldSame + ") AND " + newSame + " THEN\n"
				+ "    IF current_setting('" + newMark + "', true) <> '' THEN PERFORM set_config('" + newMark
				+ "', '', true); END IF;\n"
				+ "    " + toNew + "\n"
				+ "    RETURN NEW;\n"
				+ "  END IF;\n";
		if (this.newColumns.size() == 1) {
			shortWays += "  IF NOT (" + newSame + ") AND " + oldSame + " THEN\n"
					+ "    IF current_setting('" + oldMark + "', true) <> '' THEN PERFORM set_config('" + oldMark
					+ "', '', true); END IF;\n"
					+ "    " + toOld + "\n"
					+ "    RETURN NEW;\n"
					+ "  END IF;\n";
		}
		return shortWays;
	}

	/**
	 * With several new columns, a write to some of them in a row the backfill has not reached (its new
	 * columns all still {@code NULL}) would compute the old side from a half-empty new side: the columns the
	 * write left unchanged are computed from the old side first. Nothing with one new column.
	 */
	private String partialNewSide() {
		if (this.newColumns.size() == 1) {
			return "";
		}
		StringBuilder fill = new StringBuilder("  IF _zdm_n AND NOT _zdm_o AND " + each(this.newColumns, "OLD.%s IS NULL",
				" AND ") + " THEN\n");
		for (int i = 0; i < this.newColumns.size(); i++) {
			String column = this.newColumns.get(i).quoted();
			fill.append("    IF NEW." + column + " IS NOT DISTINCT FROM OLD." + column + " THEN "
					+ this.upExpressions.get(i).assign(this.newColumns.get(i)) + " END IF;\n");
		}
		return fill.append("  END IF;\n").toString();
	}

	/** {@code NEW.c1 := e1; NEW.c2 := e2;}, each in a block of the variables it reads. */
	private static String assignments(List<Identifier> columns, List<RowExpression> expressions) {
		List<String> assignments = new ArrayList<>();
		for (int i = 0; i < columns.size(); i++) {
			assignments.add(expressions.get(i).assign(columns.get(i)));
		}
		return String.join(" ", assignments);
	}

	/** {@code format} of each quoted column, joined by {@code separator}. */
	private static String each(List<Identifier> columns, String format, String separator) {
		return columns.stream().map((column) -> String.format(format, column.quoted()))
			.collect(Collectors.joining(separator));
	}

	/**
	 * {@code OF} the columns whose assignment fires the main trigger on update: both sides and
	 * {@link #updateColumns()}; none when those are not known, so that every update fires it.
	 */
	private String updateOf() {
		if (this.updateColumns.isEmpty()) {
			return "";
		}
		List<Identifier> columns = new ArrayList<>();
		for (List<Identifier> group : List.of(this.oldColumns, this.newColumns, this.updateColumns)) {
			for (Identifier column : group) {
				if (!columns.contains(column)) {
					columns.add(column);
				}
			}
		}
		return " OF " + each(columns, "%s", ", ");
	}

	/**
	 * The columns, besides both sides, whose update must fire the main trigger of a table: its key (an update
	 * that moves a row's key, perhaps behind the backfill's cursor, re-syncs the row) and every column of the
	 * table that the plan's {@code up} and {@code down} expressions name (a change of a column {@code up} reads
	 * changes the new side). Empty, so that every update fires it, when an expression could read the row in
	 * another way: it names the table itself or the trigger's row aliases.
	 *
	 * @param table the table's name
	 * @param columns the table's columns
	 * @param key the table's primary key
	 * @param expressions the plan's {@code up} and {@code down} expressions, as written
	 */
	public static List<Identifier> updateColumns(String table, List<String> columns, List<String> key,
			List<String> expressions) {
		Set<String> named = new HashSet<>();
		for (String expression : expressions) {
			named.addAll(RowExpression.names(expression));
		}
		if (RowExpression.namesTheRow(named, table)) {
			return List.of();
		}
		List<Identifier> fired = new ArrayList<>();
		for (String column : key) {
			fired.add(Identifier.of(column));
		}
		for (String column : columns) {
			if (named.contains(column) && !key.contains(column)) {
				fired.add(Identifier.of(column));
			}
		}
		return fired;
	}

	/**
	 * The main trigger and the mark triggers ({@code CREATE OR REPLACE TRIGGER}, PostgreSQL 14+), each enabled
	 * {@code ALWAYS}: in order, in the caller's transaction.
	 */
	public List<String> createTriggers() {
		String bypass = notBypassed(this.triggerName);
		String execute = " EXECUTE FUNCTION " + this.function.quoted();
		List<String> statements = new ArrayList<>();
		statements.add("CREATE OR REPLACE TRIGGER " + this.triggerName.quoted() + " BEFORE INSERT OR UPDATE"
				+ updateOf() + " ON " + this.table.quoted() + " FOR EACH ROW WHEN (" + bypass + ")" + execute + "()");
		for (boolean newColumn : new boolean[] { true, false }) {
			List<Identifier> columns = newColumn ? this.newColumns : this.oldColumns;
			statements.add("CREATE OR REPLACE TRIGGER " + markName(this.triggerName, newColumn).quoted()
					+ " BEFORE UPDATE OF " + each(columns, "%s", ", ") + " ON " + this.table.quoted() + " FOR EACH ROW WHEN ("
					+ each(columns, "NEW.%1$s IS NOT DISTINCT FROM OLD.%1$s", " AND ") + " AND " + bypass + ")"
					+ " EXECUTE FUNCTION " + markFunction().quoted() + "('" + markSetting(newColumn) + "')");
		}
		for (Identifier name : triggerNames()) {
			statements.add("ALTER TABLE " + this.table.quoted() + " ENABLE ALWAYS TRIGGER " + name.quoted());
		}
		return statements;
	}

	/** Drops the three triggers, if they exist. */
	public List<String> dropTriggers() {
		return triggerNames().stream()
			.map((name) -> "DROP TRIGGER IF EXISTS " + name.quoted() + " ON " + this.table.quoted())
			.toList();
	}

	/** Drops the main function and the mark triggers' function, if they exist (after the triggers). */
	public List<String> dropFunctions() {
		return List.of("DROP FUNCTION IF EXISTS " + this.function.quoted() + "()",
				"DROP FUNCTION IF EXISTS " + markFunction().quoted() + "()");
	}

	/**
	 * The switch: the functions with the new side deciding conflicts ({@link #createFunctions}) and, where the
	 * mark triggers call the main function (as zdm versions before the mark function made them, with the
	 * argument {@code new} or {@code old}), the triggers made again on the mark function, in the same
	 * transaction: the main function no longer records marks.
	 *
	 * @param arguments per trigger of the table, by name, its arguments as the catalog has them
	 */
	public List<String> switchOver(Map<String, List<String>> arguments) {
		List<String> statements = new ArrayList<>(createFunctions(Authority.NEW));
		boolean marksCallTheMainFunction = false;
		for (boolean newColumn : new boolean[] { true, false }) {
			List<String> given = arguments.get(markName(this.triggerName, newColumn).name());
			marksCallTheMainFunction |= given != null && given.equals(List.of(newColumn ? "new" : "old"));
		}
		if (marksCallTheMainFunction) {
			statements.addAll(createTriggers());
		}
		return statements;
	}

	/**
	 * Why the triggers may miss writes, given their states as the catalog has them (name to
	 * {@code pg_trigger.tgenabled}): one is disabled, enabled only for one {@code session_replication_role},
	 * or the main one is missing; {@code null} if they catch every write. Mark triggers that do not exist are
	 * accepted (a migration expanded before they were added).
	 */
	public String problem(Map<String, String> states) {
		List<String> problems = new ArrayList<>();
		List<Identifier> toEnable = new ArrayList<>();
		for (Identifier name : triggerNames()) {
			String state = states.get(name.name());
			if (state == null) {
				if (name.equals(this.triggerName)) {
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

}

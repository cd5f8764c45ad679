package dev.zdm.core.sync;

import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.lint.sql.SqlTokenizer;

/**
 * The SQL of a trigger that keeps two columns of one table in step while old and new code run side by side.
 * <p>
 * On {@code INSERT} a new column left {@code NULL} is computed from the old one (after the old column's
 * default applies, when the insert set neither), and an old column left {@code NULL} from the new one. On
 * {@code UPDATE} the side that changed is propagated to the side that did not; when neither changed but
 * other columns did, the authoritative side is propagated again, since {@code up} and {@code down} may
 * read other columns. When a writer sets both, the authoritative side wins: the old column until switch,
 * the new one after.
 * <p>
 * The expressions see the row through {@code (SELECT NEW.*)}, so columns added, renamed or dropped
 * elsewhere in the table while the trigger exists do not break it.
 * <p>
 * The trigger does not fire for zdm's own backfill, whose transactions set {@code zdm.backfill} to the
 * trigger's name: the backfill writes the new column from the old in the same statement, so the
 * trigger would only pay its cost twice, and might convert the value back.
 *
 * @param table the table
 * @param triggerName the trigger's name
 * @param function the trigger function, schema-qualified
 * @param oldColumn the old column
 * @param newColumn the new column
 * @param upExpression SQL computing the new value inside the trigger (see {@link #overRow})
 * @param downExpression SQL computing the old value inside the trigger (see {@link #overNewRow})
 * @param oldDefault the old column's default, applied by the trigger when an insert sets neither side, or
 * {@code null}. While the migration runs, neither column has a default of its own: a default would make
 * a side that the writer left out look written, and the trigger could not tell which side to keep.
 * @param readsOtherColumns whether {@code up} or {@code down} may read columns other than the two, so that
 * an update of another column must recompute them
 */
public record SyncTrigger(QualifiedName table, Identifier triggerName, QualifiedName function, Identifier oldColumn,
		Identifier newColumn, String upExpression, String downExpression, String oldDefault, boolean readsOtherColumns) {

	/** Which side wins when a writer sets both. */
	public enum Authority {

		/** Before switch: the old column. */
		OLD,
		/** After switch: the new column. */
		NEW

	}

	/** The session setting zdm's backfill sets to the name of the trigger it bypasses. */
	public static final String BACKFILL_SETTING = "zdm.backfill";

	/** {@code expression} evaluated over the row being written, cast to {@code type}. */
	public static String overRow(String expression, String type) {
		return "(SELECT CAST((" + expression + ") AS " + type + ") FROM (SELECT NEW.*) AS _zdm_row)";
	}

	/**
	 * {@code expression} evaluated over the row being written, with the new column {@code newColumn} shown
	 * under the name {@code as}: the inner scope shadows a column of the row with the same name.
	 */
	public static String overNewRow(String expression, String type, Identifier newColumn, Identifier as) {
		return "(SELECT (SELECT CAST((" + expression + ") AS " + type + ") FROM (SELECT NEW." + newColumn.quoted()
				+ " AS " + as.quoted() + ") AS _zdm_new) FROM (SELECT NEW.*) AS _zdm_row)";
	}

	/** {@code CREATE OR REPLACE FUNCTION}: the function with {@code authority} deciding conflicts. */
	public String createFunction(Authority authority) {
		String o = "NEW." + this.oldColumn.quoted();
		String n = "NEW." + this.newColumn.quoted();
		String toNew = n + " := " + this.upExpression + ";";
		String toOld = o + " := " + this.downExpression + ";";
		String winner = (authority == Authority.OLD) ? toNew : toOld;
		String body = "BEGIN\n"
				+ "  IF TG_OP = 'INSERT' THEN\n"
				+ "    IF " + n + " IS NULL THEN\n"
				+ ((this.oldDefault != null) ? "      IF " + o + " IS NULL THEN " + o + " := " + this.oldDefault + "; END IF;\n" : "")
				+ "      " + toNew + "\n"
				+ "    ELSIF " + o + " IS NULL THEN " + toOld + "\n"
				+ "    ELSE " + winner + "\n"
				+ "    END IF;\n"
				+ "  ELSIF " + o + " IS DISTINCT FROM OLD." + this.oldColumn.quoted() + " THEN\n"
				+ "    IF " + n + " IS NOT DISTINCT FROM OLD." + this.newColumn.quoted() + " THEN " + toNew + "\n"
				+ "    ELSE " + winner + "\n"
				+ "    END IF;\n"
				+ "  ELSIF " + n + " IS DISTINCT FROM OLD." + this.newColumn.quoted() + " THEN " + toOld + "\n"
				+ (this.readsOtherColumns ? "  ELSE " + winner + "\n" : "")
				+ "  END IF;\n"
				+ "  RETURN NEW;\n"
				+ "END\n";
		// A dollar-quote tag the body cannot contain, whatever the plan's expressions hold.
		String tag = SqlTokenizer.freeDollarTag(body, "zdm_sync");
		return "CREATE OR REPLACE FUNCTION " + this.function.quoted() + "() RETURNS trigger LANGUAGE plpgsql AS " + tag
				+ "\n" + body + tag;
	}

	/** {@code CREATE OR REPLACE TRIGGER} (PostgreSQL 14+). */
	public String createTrigger() {
		return "CREATE OR REPLACE TRIGGER " + this.triggerName.quoted() + " BEFORE INSERT OR UPDATE ON "
				+ this.table.quoted() + " FOR EACH ROW WHEN (current_setting('" + BACKFILL_SETTING
				+ "', true) IS DISTINCT FROM '" + this.triggerName.name() + "') EXECUTE FUNCTION "
				+ this.function.quoted() + "()";
	}

	public String dropTrigger() {
		return "DROP TRIGGER IF EXISTS " + this.triggerName.quoted() + " ON " + this.table.quoted();
	}

	public String dropFunction() {
		return "DROP FUNCTION IF EXISTS " + this.function.quoted() + "()";
	}

}

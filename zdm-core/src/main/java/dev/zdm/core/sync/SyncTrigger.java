package dev.zdm.core.sync;

import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;

/**
 * The SQL of a trigger that keeps two columns of one table in step while old and new code run side by side.
 * <p>
 * On {@code INSERT} a side left {@code NULL} is computed from the other (and when both are, the old
 * column's default applies). On {@code UPDATE} the side that
 * changed is propagated to the side that did not. When a writer sets both, the authoritative side wins:
 * the old column until switch, the new one after.
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
 * @param upExpression SQL computing the new value inside the trigger (see {@link #rowExpression})
 * @param downExpression SQL computing the old value inside the trigger
 * @param oldDefault the old column's default, applied by the trigger when an insert sets neither side, or
 * {@code null}. While the migration runs, neither column has a default of its own: a default would make
 * a side that the writer left out look written, and the trigger could not tell which side to keep.
 */
public record SyncTrigger(QualifiedName table, Identifier triggerName, QualifiedName function, Identifier oldColumn,
		Identifier newColumn, String upExpression, String downExpression, String oldDefault) {

	/** Which side wins when a writer sets both. */
	public enum Authority {

		/** Before switch: the old column. */
		OLD,
		/** After switch: the new column. */
		NEW

	}

	/** The session setting zdm's backfill sets to the name of the trigger it bypasses. */
	public static final String BACKFILL_SETTING = "zdm.backfill";

	/**
	 * An expression evaluating {@code expression} over the row being written, with the columns presented
	 * under the names given: {@code selectList} is {@code NEW."a" AS "a", ...}.
	 */
	public static String rowExpression(String expression, String type, String selectList) {
		return "(SELECT CAST((" + expression + ") AS " + type + ") FROM (SELECT " + selectList + ") AS _zdm_row)";
	}

	/** {@code CREATE OR REPLACE FUNCTION}: the function with {@code authority} deciding conflicts. */
	public String createFunction(Authority authority) {
		String o = "NEW." + this.oldColumn.quoted();
		String n = "NEW." + this.newColumn.quoted();
		String toNew = n + " := " + this.upExpression + ";";
		String toOld = o + " := " + this.downExpression + ";";
		String winner = (authority == Authority.OLD) ? toNew : toOld;
		return "CREATE OR REPLACE FUNCTION " + this.function.quoted() + "() RETURNS trigger LANGUAGE plpgsql AS $zdm_sync$\n"
				+ "BEGIN\n"
				+ "  IF TG_OP = 'INSERT' THEN\n"
				+ ((this.oldDefault != null)
						? "    IF " + o + " IS NULL AND " + n + " IS NULL THEN " + o + " := " + this.oldDefault + "; END IF;\n"
						: "")
				+ "    IF " + n + " IS NULL AND " + o + " IS NOT NULL THEN " + toNew + "\n"
				+ "    ELSIF " + o + " IS NULL AND " + n + " IS NOT NULL THEN " + toOld + "\n"
				+ "    ELSIF " + o + " IS NOT NULL THEN " + winner + "\n"
				+ "    END IF;\n"
				+ "  ELSIF " + o + " IS DISTINCT FROM OLD." + this.oldColumn.quoted() + " THEN\n"
				+ "    IF " + n + " IS NOT DISTINCT FROM OLD." + this.newColumn.quoted() + " THEN " + toNew + "\n"
				+ "    ELSE " + winner + "\n"
				+ "    END IF;\n"
				+ "  ELSIF " + n + " IS DISTINCT FROM OLD." + this.newColumn.quoted() + " THEN " + toOld + "\n"
				+ "  END IF;\n"
				+ "  RETURN NEW;\n"
				+ "END\n$zdm_sync$";
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

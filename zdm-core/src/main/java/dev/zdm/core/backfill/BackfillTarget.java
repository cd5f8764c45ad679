package dev.zdm.core.backfill;

import java.util.List;

import dev.zdm.core.catalog.ColumnInfo;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;

/**
 * What one operation's backfill writes.
 *
 * @param table the table
 * @param key the primary key columns the batches walk, in key order
 * @param assignment the {@code SET} clause ({@code "email_address" = "email"}); {@code null} for batches that
 * delete the rows {@code mismatch} selects
 * @param mismatch a predicate true for a row that still needs the assignment; batches skip the others,
 * and verification counts them
 * @param bypassTrigger the sync trigger the backfill's own updates must not fire
 * @param notNullViolation a predicate true for a row whose new value is {@code NULL} although the column must
 * not be, or {@code null} when the column may be {@code NULL}
 * @param removes what the batches remove by a policy the plan chose (orphans, duplicates), for the report of
 * the keys of every row they delete or change (logged and recorded as {@code rows-removed} events); such
 * batches fire the table's triggers, as any delete would; {@code null} for a copy, which loses nothing
 */
public record BackfillTarget(QualifiedName table, List<ColumnInfo> key, String assignment, String mismatch,
		Identifier bypassTrigger, String notNullViolation, String removes) {

	/** A copy: batches write {@code assignment} into the rows that need it, and report nothing. */
	public BackfillTarget(QualifiedName table, List<ColumnInfo> key, String assignment, String mismatch,
			Identifier bypassTrigger, String notNullViolation) {
		this(table, key, assignment, mismatch, bypassTrigger, notNullViolation, null);
	}

}

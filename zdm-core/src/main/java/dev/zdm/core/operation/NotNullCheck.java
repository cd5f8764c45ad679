package dev.zdm.core.operation;

import java.util.List;

import dev.zdm.core.ddl.DdlStep;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.sql.QualifiedName;

/**
 * {@code NOT NULL} on a column of a table in use, without a scan under {@code ACCESS EXCLUSIVE}: a
 * {@code CHECK (column IS NOT NULL) NOT VALID} (metadata only; every new write is checked from then on),
 * validated by a scan under {@code SHARE UPDATE EXCLUSIVE}, which blocks neither reads nor writes; then
 * {@code SET NOT NULL}, which PostgreSQL 12+ proves from the validated check without a scan, and the check
 * is dropped. Shared by the operations that make a column {@code NOT NULL} ({@link ColumnCopy},
 * {@code setNotNull}, {@code addColumn}).
 *
 * @param table the table
 * @param column the column
 * @param constraint the check's name (zdm's: {@code <base>_nn})
 */
public record NotNullCheck(QualifiedName table, Identifier column, Identifier constraint) {

	/** The check of operation {@code base} ({@link ObjectNames#base}) on {@code column}. */
	public static NotNullCheck of(QualifiedName table, Identifier column, String base) {
		return new NotNullCheck(table, column, name(base));
	}

	/** The name of the check of operation {@code base}. */
	public static Identifier name(String base) {
		return Identifier.of(base + "_nn");
	}

	private String alter() {
		return "ALTER TABLE " + this.table.quoted() + " ";
	}

	/** The condition the check holds. */
	public String condition() {
		return this.column.quoted() + " IS NOT NULL";
	}

	/** Adds the check {@code NOT VALID}, replacing one of that name (idempotent). */
	public List<String> add() {
		return List.of(drop(), alter() + "ADD CONSTRAINT " + this.constraint.quoted() + " CHECK (" + condition()
				+ ") NOT VALID");
	}

	/**
	 * Validates the check: a scan under {@code SHARE UPDATE EXCLUSIVE} (no statement timeout), before
	 * contract, so that contract's {@code SET NOT NULL} needs none.
	 */
	public DdlStep.Validating validate(String on) {
		return new DdlStep.Validating("validate " + this.constraint + " on " + this.table + " for " + on,
				alter() + "VALIDATE CONSTRAINT " + this.constraint.quoted());
	}

	/** {@code SET NOT NULL} (proved by the validated check, no scan), then the check is dropped. */
	public List<String> setNotNull() {
		return List.of(alter() + "ALTER COLUMN " + this.column.quoted() + " SET NOT NULL", drop());
	}

	/** Drops the check if it exists (contract, rollback). */
	public String drop() {
		return alter() + "DROP CONSTRAINT IF EXISTS " + this.constraint.quoted();
	}

}

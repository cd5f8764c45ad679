package dev.zdm.lint;

import java.util.List;

/**
 * What a statement did when rehearsed on a scratch copy of the schema, next to what the linter says of it.
 *
 * @param statement the statement's SQL
 * @param location where it is in the script
 * @param findings the static findings on this statement
 * @param locks the locks it held on relations that existed before the migration, strongest first
 * @param rewritten the relations existing before the migration whose storage ({@code pg_class.relfilenode})
 * it replaced: a table or index rewrite
 * @param note why it was not rehearsed in a transaction, or the error it raised; null when it ran normally
 */
public record RehearsedStatement(String statement, SourceLocation location, List<Finding> findings,
		List<ObservedLock> locks, List<String> rewritten, String note) {

	/** The strongest lock observed on the named relation, or null. */
	public LockMode strongestLockOn(String relation) {
		return this.locks.stream().filter((lock) -> lock.relation().equals(relation)).map(ObservedLock::mode)
			.max(Enum::compareTo).orElse(null);
	}

	/** Whether the statement replaced the storage of the named relation. */
	public boolean rewrote(String relation) {
		return this.rewritten.contains(relation);
	}

	/** One line for a report: the statement's findings, the locks it took and whether it rewrote. */
	public String summary() {
		String ids = this.findings.isEmpty() ? "no finding"
				: String.join(", ", this.findings.stream().map(Finding::ruleId).toList());
		String held = this.locks.isEmpty() ? "no lock on existing relations"
				: String.join(", ", this.locks.stream().map(ObservedLock::toString).toList());
		String rewrite = this.rewritten.isEmpty() ? "no rewrite" : "rewrote " + String.join(", ", this.rewritten);
		return this.location + ": " + ids + "; rehearsal: " + held + "; " + rewrite
				+ ((this.note != null) ? " (" + this.note + ")" : "");
	}

}

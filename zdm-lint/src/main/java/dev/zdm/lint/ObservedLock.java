package dev.zdm.lint;

/**
 * A table-level lock a rehearsed statement held when it finished, as {@code pg_locks} showed it.
 *
 * @param relation the table, index or other relation locked
 * @param kind {@code table}, {@code index}, {@code partitioned table}, {@code materialized view}, ...
 * @param mode the lock mode
 */
public record ObservedLock(String relation, String kind, LockMode mode) {

	@Override
	public String toString() {
		return this.mode.sqlName() + " on " + this.kind + " " + this.relation;
	}

}

package dev.zdm.lint;

import java.util.Locale;

/**
 * PostgreSQL's table-level lock modes, weakest first, with the names {@code pg_locks} uses.
 */
public enum LockMode {

	ACCESS_SHARE("AccessShareLock"), ROW_SHARE("RowShareLock"), ROW_EXCLUSIVE("RowExclusiveLock"),
	SHARE_UPDATE_EXCLUSIVE("ShareUpdateExclusiveLock"), SHARE("ShareLock"),
	SHARE_ROW_EXCLUSIVE("ShareRowExclusiveLock"), EXCLUSIVE("ExclusiveLock"),
	ACCESS_EXCLUSIVE("AccessExclusiveLock");

	private final String pgLocksName;

	LockMode(String pgLocksName) {
		this.pgLocksName = pgLocksName;
	}

	/** The mode as {@code pg_locks.mode} spells it. */
	public String pgLocksName() {
		return this.pgLocksName;
	}

	/** The mode as SQL spells it, e.g. {@code SHARE ROW EXCLUSIVE}. */
	public String sqlName() {
		return name().replace('_', ' ');
	}

	/** Whether this mode blocks plain {@code INSERT}/{@code UPDATE}/{@code DELETE} (ROW EXCLUSIVE). */
	public boolean blocksWrites() {
		return compareTo(SHARE) >= 0;
	}

	/** The mode for a {@code pg_locks.mode} value, or null if it is not a table lock mode. */
	public static LockMode fromPgLocks(String mode) {
		for (LockMode candidate : values()) {
			if (candidate.pgLocksName.equals(mode)) {
				return candidate;
			}
		}
		return null;
	}

	/** The mode for its SQL spelling, such as {@code SHARE ROW EXCLUSIVE}; ACCESS EXCLUSIVE if unknown. */
	static LockMode fromSql(String mode) {
		try {
			return valueOf(mode.strip().toUpperCase(Locale.ROOT).replace(' ', '_'));
		}
		catch (IllegalArgumentException ex) {
			return ACCESS_EXCLUSIVE;
		}
	}

}

package dev.zdm.core.operation;

/**
 * The names of the objects zdm creates for an operation (its sync trigger and function, check, index
 * copies): derived from the migration id and the operation's index, so that zdm finds them again after a
 * crash and tells its own from everyone else's.
 */
public final class ObjectNames {

	private static final String MARKER = "zdm object of migration ";

	private ObjectNames() {
	}

	/** The base name of the objects zdm creates for operation {@code index} of migration {@code migrationId}. */
	public static String base(String migrationId, int index) {
		return "zdm_" + migrationId.replace('-', '_') + "_" + index;
	}

	/**
	 * The comment that marks a relation zdm created for migration {@code migrationId} outside its version
	 * schema (the view under a renamed table's old name): zdm drops it when the migration ends, and other
	 * migrations leave the table it stands on alone meanwhile.
	 */
	public static String marker(String migrationId) {
		return MARKER + migrationId;
	}

	/** Whether {@code comment} is the {@link #marker} of some migration. */
	public static boolean isMarker(String comment) {
		return comment != null && comment.startsWith(MARKER);
	}

	/**
	 * Whether {@code name} is the name of zdm's sync trigger of an operation of migration {@code migrationId},
	 * or of one of its mark triggers ({@link dev.zdm.core.sync.SyncTrigger#markName}).
	 */
	public static boolean isSyncTriggerOf(String name, String migrationId) {
		String zero = base(migrationId, 0);
		String prefix = zero.substring(0, zero.length() - 1);
		return name.startsWith(prefix) && name.substring(prefix.length()).matches("[0-9]+(_new|_old)?");
	}

}

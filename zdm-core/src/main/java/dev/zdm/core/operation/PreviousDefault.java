package dev.zdm.core.operation;

/**
 * The memo of an operation that changes a column's default: the default the column had before expand,
 * exactly as the catalog gave it ({@code pg_get_expr}), so that a rollback restores it. Stored as
 * {@code default:<expression>}, or {@code no-default}.
 *
 * @param expression the default before expand, or {@code null} for none
 */
record PreviousDefault(String expression) implements Memo {

	private static final String DEFAULT = "default:";

	private static final String NONE = "no-default";

	@Override
	public String encode() {
		return (this.expression != null) ? DEFAULT + this.expression : NONE;
	}

	/** Reads a stored memo. */
	static PreviousDefault decode(String stored) {
		if (stored.startsWith(DEFAULT)) {
			return new PreviousDefault(stored.substring(DEFAULT.length()));
		}
		if (NONE.equals(stored)) {
			return new PreviousDefault(null);
		}
		throw new IllegalArgumentException("Not a default memo: " + stored);
	}

}

package dev.zdm.lint;

/**
 * Finds where SQL or PL/pgSQL text names something, with the linter's tokenizer: comments do not count,
 * and unquoted words compare as PostgreSQL folds them.
 */
public final class SqlReferences {

	/** Strings inside strings (dynamic SQL in a dollar-quoted body) are read this deep. */
	private static final int MAX_DEPTH = 3;

	private SqlReferences() {
	}

	/**
	 * Whether {@code sql} names {@code name} (as the catalog spells it): as an identifier ({@code NEW.email},
	 * {@code NEW."Email"}), as a string constant equal to it ({@code to_jsonb(NEW) ->> 'email'}), or so inside
	 * a string constant that holds SQL ({@code EXECUTE 'UPDATE t SET email = ...'}).
	 */
	public static boolean mentions(String sql, String name) {
		return mentions(sql, name, 0);
	}

	private static boolean mentions(String sql, String name, int depth) {
		if (sql == null || sql.isEmpty()) {
			return false;
		}
		for (SqlStatement statement : SqlScriptSplitter.split(sql)) {
			for (SqlToken token : statement.tokens()) {
				switch (token.kind()) {
					case WORD, QUOTED_IDENTIFIER -> {
						if (token.value().equals(name)) {
							return true;
						}
					}
					case STRING -> {
						if (token.value().equals(name)
								|| (depth < MAX_DEPTH && mentions(token.value(), name, depth + 1))) {
							return true;
						}
					}
					default -> {
					}
				}
			}
		}
		return false;
	}

}

package dev.zdm.lint;

/**
 * A rule shipped with zdm: its description and the check that applies it to one statement.
 */
record BuiltInRule(String id, String title, Severity severity, String lock, String whyItHurts,
		String safeAlternative, Check check) implements Rule {

	/** Applies a rule to one statement, reporting through the context. */
	@FunctionalInterface
	interface Check {

		void apply(StatementContext context, Reporter reporter);

	}

	/** Reports the findings of one rule on one statement. */
	interface Reporter {

		/**
		 * Reports a finding at a token of the statement.
		 * @param at where in the statement (null for the statement's start)
		 * @param target what the lock is taken on, e.g. {@code table orders}
		 * @param message what is wrong
		 */
		void report(SqlToken at, String target, String message);

	}

	static BuiltInRule engine(String id, String title, Severity severity, String why, String alternative) {
		return engine(id, title, severity, "none", why, alternative);
	}

	static BuiltInRule engine(String id, String title, Severity severity, String lock, String why, String alternative) {
		return new BuiltInRule(id, title, severity, lock, why, alternative, (context, reporter) -> {
		});
	}

	@Override
	public String toString() {
		return this.id + " " + this.title;
	}

}

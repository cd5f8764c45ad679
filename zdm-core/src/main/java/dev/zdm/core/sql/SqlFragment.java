package dev.zdm.core.sql;

import dev.zdm.lint.sql.SqlTokenizer;

/**
 * Checks on SQL text that a plan supplies as an expression or a type ({@code up}, {@code down},
 * {@code type}, {@code default}). Such text is the plan author's SQL by design; these checks stop the
 * mistakes that would turn it into more than one expression before PostgreSQL itself is asked to
 * type-check it. The text is read with zdm's one SQL lexer, {@link SqlTokenizer}.
 */
public final class SqlFragment {

	private SqlFragment() {
	}

	/**
	 * Why {@code sql} cannot be used as a single expression, or {@code null} if it can: empty, a top-level
	 * {@code ;}, unbalanced parentheses or an unterminated quote or comment.
	 */
	public static String expressionProblem(String sql) {
		if (sql == null || sql.isBlank()) {
			return "an expression is required";
		}
		int depth = 0;
		for (SqlTokenizer.Token token : SqlTokenizer.tokenize(sql)) {
			if (!token.terminated()) {
				return switch (token.kind()) {
					case QUOTED_IDENTIFIER -> "unterminated quoted identifier";
					case COMMENT -> "unterminated comment";
					default -> token.text().startsWith("$")
							? "unterminated dollar-quoted string " + token.text().substring(0, token.text().indexOf('$', 1) + 1)
							: "unterminated string literal";
				};
			}
			if (token.isSymbol("(")) {
				depth++;
			}
			else if (token.isSymbol(")")) {
				if (--depth < 0) {
					return "unbalanced ')'";
				}
			}
			else if (token.isSymbol(";")) {
				return "';' is not allowed: give one expression, not statements";
			}
		}
		return (depth != 0) ? "unbalanced '('" : null;
	}

}

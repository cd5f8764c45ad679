package dev.zdm.core.sql;

/**
 * Checks on SQL text that a plan supplies as an expression or a type ({@code up}, {@code down},
 * {@code type}, {@code default}). Such text is the plan author's SQL by design; these checks stop the
 * mistakes that would turn it into more than one expression before PostgreSQL itself is asked to
 * type-check it.
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
		int i = 0;
		int n = sql.length();
		while (i < n) {
			char c = sql.charAt(i);
			if (c == '\'' && i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
					&& (i == 1 || !isIdentifierPart(sql.charAt(i - 2)))) {
				// E'...': a backslash escapes the next character, a quote included.
				int end = closingEscapedQuote(sql, i);
				if (end < 0) {
					return "unterminated string literal";
				}
				i = end + 1;
				continue;
			}
			if (c == '\'' || c == '"') {
				int end = closingQuote(sql, i, c);
				if (end < 0) {
					return "unterminated " + ((c == '\'') ? "string literal" : "quoted identifier");
				}
				i = end + 1;
				continue;
			}
			if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
				int end = sql.indexOf('\n', i);
				i = (end < 0) ? n : end + 1;
				continue;
			}
			if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
				int end = sql.indexOf("*/", i + 2);
				if (end < 0) {
					return "unterminated comment";
				}
				i = end + 2;
				continue;
			}
			// Inside an identifier ("x$a$") a $ is part of the name, not the start of a dollar quote.
			if (c == '$' && (i == 0 || !isIdentifierPart(sql.charAt(i - 1)))) {
				int tagEnd = dollarTagEnd(sql, i);
				if (tagEnd > 0) {
					String tag = sql.substring(i, tagEnd + 1);
					int close = sql.indexOf(tag, tagEnd + 1);
					if (close < 0) {
						return "unterminated dollar-quoted string " + tag;
					}
					i = close + tag.length();
					continue;
				}
			}
			if (c == '(') {
				depth++;
			}
			else if (c == ')') {
				if (--depth < 0) {
					return "unbalanced ')'";
				}
			}
			else if (c == ';') {
				return "';' is not allowed: give one expression, not statements";
			}
			i++;
		}
		return (depth != 0) ? "unbalanced '('" : null;
	}

	private static int closingQuote(String sql, int start, char quote) {
		int i = start + 1;
		while (i < sql.length()) {
			if (sql.charAt(i) == quote) {
				if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
					i += 2;
					continue;
				}
				return i;
			}
			i++;
		}
		return -1;
	}

	private static boolean isIdentifierPart(char c) {
		return Character.isLetterOrDigit(c) || c == '_' || c == '$';
	}

	private static int closingEscapedQuote(String sql, int start) {
		int i = start + 1;
		while (i < sql.length()) {
			char c = sql.charAt(i);
			if (c == '\\') {
				i += 2;
				continue;
			}
			if (c == '\'') {
				if (i + 1 < sql.length() && sql.charAt(i + 1) == '\'') {
					i += 2;
					continue;
				}
				return i;
			}
			i++;
		}
		return -1;
	}

	/** The index of the closing {@code $} of a dollar-quote tag starting at {@code start}, or -1. */
	private static int dollarTagEnd(String sql, int start) {
		int i = start + 1;
		while (i < sql.length()) {
			char c = sql.charAt(i);
			if (c == '$') {
				return i;
			}
			if (!(Character.isLetterOrDigit(c) || c == '_') || (i == start + 1 && Character.isDigit(c))) {
				return -1;
			}
			i++;
		}
		return -1;
	}

}

package dev.zdm.core.sql;

import java.util.List;
import java.util.Set;

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


	/** Statements that end, or depend on, the transaction they run in. */
	private static final Set<String> TRANSACTION_CONTROL = Set.of("begin", "start", "commit", "end", "rollback", "abort",
			"savepoint", "release", "prepare");

	/** Settings zdm sets for each transaction of DDL, which a statement must not loosen. */
	private static final Set<String> ZDM_SETTINGS = Set.of("lock_timeout", "statement_timeout");

	/**
	 * Why {@code sql} cannot run as one statement of a {@code sql} operation, which zdm runs in a transaction
	 * of its own under its lock and statement timeouts, or {@code null} if it can: empty, several statements,
	 * an unterminated quote or comment, transaction control, a session setting (it would stay on zdm's
	 * connection) or one of zdm's timeouts, or a statement PostgreSQL refuses in a transaction block
	 * ({@code CREATE INDEX CONCURRENTLY}: the problem names the zdm operation that does it).
	 */
	public static String statementProblem(String sql) {
		if (sql == null || sql.isBlank()) {
			return "a statement is required";
		}
		List<SqlTokenizer.Token> tokens = SqlTokenizer.tokenize(sql);
		for (SqlTokenizer.Token token : tokens) {
			if (!token.terminated()) {
				return (token.kind() == SqlTokenizer.Kind.COMMENT) ? "unterminated comment"
						: (token.kind() == SqlTokenizer.Kind.QUOTED_IDENTIFIER) ? "unterminated quoted identifier"
								: "unterminated string literal";
			}
		}
		List<SqlTokenizer.Token> code = tokens.stream().filter((token) -> token.kind() != SqlTokenizer.Kind.COMMENT).toList();
		int end = code.size();
		while (end > 0 && code.get(end - 1).isSymbol(";")) {
			end--;
		}
		code = code.subList(0, end);
		if (code.isEmpty()) {
			return "a statement is required";
		}
		for (SqlTokenizer.Token token : code) {
			if (token.isSymbol(";")) {
				return "holds more than one statement: give each statement its own item of the list";
			}
		}
		String first = code.get(0).value();
		String second = (code.size() > 1) ? code.get(1).value() : "";
		if (TRANSACTION_CONTROL.contains(first)) {
			return first.toUpperCase(java.util.Locale.ROOT) + " controls the transaction, and zdm runs the statements "
					+ "of a sql operation in a transaction of its own, committed with the record that they ran: leave "
					+ "transaction control out";
		}
		if (first.equals("set") || first.equals("reset") || first.equals("discard")) {
			if (first.equals("set") && second.equals("local")) {
				String parameter = (code.size() > 2) ? code.get(2).value() : "";
				if (ZDM_SETTINGS.contains(parameter)) {
					return "zdm sets " + parameter + " for the transaction itself (zdm.lock-timeout, zdm.statement-timeout), "
							+ "so that no application query waits behind it for long: leave it out";
				}
				return null;
			}
			return first.toUpperCase(java.util.Locale.ROOT) + " changes the session, and would stay on zdm's "
					+ "connection after the operation: use SET LOCAL, which ends with the transaction";
		}
		if (words(code, "copy") && (words(code, "stdin") || words(code, "stdout"))) {
			return "COPY from STDIN or to STDOUT needs a client stream that a plan cannot give: use INSERT ... SELECT";
		}
		String refused = null;
		String fix = "run it outside zdm, in a quiet moment";
		if (first.equals("create") && (second.equals("index") || (second.equals("unique") && code.size() > 2
				&& code.get(2).isWord("index"))) && words(code, "concurrently")) {
			refused = "CREATE INDEX CONCURRENTLY";
			fix = "use zdm's createIndex operation, which builds the index CONCURRENTLY outside a transaction and "
					+ "rebuilds one a failed build left invalid";
		}
		else if (first.equals("drop") && second.equals("index") && words(code, "concurrently")) {
			refused = "DROP INDEX CONCURRENTLY";
			fix = "use zdm's dropIndex operation, which drops it CONCURRENTLY at contract";
		}
		else if (first.equals("reindex") && (words(code, "concurrently") || Set.of("schema", "database", "system")
			.contains(second))) {
			refused = "REINDEX " + (words(code, "concurrently") ? "CONCURRENTLY" : second.toUpperCase(java.util.Locale.ROOT));
		}
		else if (first.equals("alter") && second.equals("table") && words(code, "detach") && words(code, "concurrently")) {
			refused = "DETACH PARTITION CONCURRENTLY";
		}
		else if (first.equals("vacuum") || (first.equals("alter") && second.equals("system"))
				|| ((first.equals("create") || first.equals("drop")) && (second.equals("database") || second.equals("tablespace")))) {
			refused = (first + " " + (first.equals("vacuum") ? "" : second)).strip().toUpperCase(java.util.Locale.ROOT);
		}
		if (refused != null) {
			return "PostgreSQL refuses " + refused + " inside a transaction block, and zdm runs the statements of a sql "
					+ "operation in one: " + fix;
		}
		return null;
	}

	private static boolean words(List<SqlTokenizer.Token> code, String word) {
		for (SqlTokenizer.Token token : code) {
			if (token.isWord(word)) {
				return true;
			}
		}
		return false;
	}

}

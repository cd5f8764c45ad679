package dev.zdm.lint;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The SQL statements of a PL/pgSQL block ({@code DO $$ ... $$}), as far as they can be known before it runs:
 * block structure ({@code DECLARE}, {@code BEGIN}, {@code IF ... THEN}, loops, labels) is peeled off, the
 * statements inside are linted as the statements they are (an {@code ALTER TABLE} inside an {@code IF}
 * locks just the same), {@code EXECUTE '<literal>'} is read as its literal, and PL/pgSQL-only statements
 * ({@code RAISE}, {@code PERFORM}, assignments) are skipped. Dynamic SQL built from expressions cannot be
 * known: it is reported.
 */
final class PlpgsqlBlock {

	/** A statement of the block to lint, or something that cannot be analysed, with why. */
	record Piece(SqlStatement statement, SqlToken at, String reason) {
	}

	private static final Set<String> PLPGSQL_ONLY = Set.of("end", "raise", "perform", "return", "null", "get",
			"assert", "continue", "exit", "open", "fetch", "close", "move", "commit", "rollback", "call");

	private PlpgsqlBlock() {
	}

	static List<Piece> pieces(SqlToken body) {
		List<Piece> pieces = new ArrayList<>();
		boolean declaring = false;
		for (SqlStatement part : SqlScriptSplitter.split(body.value(), body.line(), body.column() + quoteLength(body))) {
			List<SqlToken> tokens = new ArrayList<>(part.tokens());
			boolean changed = true;
			while (changed && !tokens.isEmpty()) {
				changed = true;
				SqlToken head = tokens.get(0);
				if (head.isWord("declare")) {
					declaring = true;
					tokens.remove(0);
				}
				else if (head.isWord("begin")) {
					declaring = false;
					tokens.remove(0);
				}
				else if (head.isSymbol("<") && tokens.size() > 1 && tokens.get(1).isSymbol("<")) {
					changed = dropThrough(tokens, (token) -> token.isSymbol(">"), 2);
				}
				else if (head.isWord("if") || head.isWord("elsif") || head.isWord("elseif") || head.isWord("when")) {
					changed = dropThrough(tokens, (token) -> token.isWord("then"), 1);
				}
				else if (head.isWord("for") || head.isWord("foreach") || head.isWord("while")) {
					changed = dropThrough(tokens, (token) -> token.isWord("loop"), 1);
				}
				else if (head.isWord("else") || head.isWord("exception") || head.isWord("loop")) {
					tokens.remove(0);
				}
				else {
					changed = false;
				}
			}
			if (tokens.isEmpty() || declaring) {
				continue;
			}
			SqlToken head = tokens.get(0);
			if (PLPGSQL_ONLY.contains(head.value()) && head.kind() == SqlToken.Kind.WORD) {
				continue;
			}
			if (tokens.size() > 1 && (tokens.get(1).isSymbol(":") || tokens.get(1).isSymbol("=")
					|| tokens.get(1).isSymbol("."))) {
				continue;
			}
			if (head.isWord("execute")) {
				SqlToken sql = (tokens.size() > 1) ? tokens.get(1) : null;
				boolean literal = sql != null && sql.kind() == SqlToken.Kind.STRING
						&& (tokens.size() == 2 || tokens.get(2).isWord("using") || tokens.get(2).isWord("into"));
				if (literal) {
					for (SqlStatement statement : SqlScriptSplitter.split(sql.value(), sql.line(),
							sql.column() + quoteLength(sql))) {
						pieces.add(new Piece(statement, null, null));
					}
				}
				else {
					pieces.add(new Piece(null, head, "EXECUTE of SQL built while the block runs"));
				}
				continue;
			}
			StringBuilder text = new StringBuilder();
			tokens.forEach((token) -> text.append((text.length() > 0) ? " " : "").append(token.text()));
			pieces.add(new Piece(new SqlStatement(text.toString(), List.copyOf(tokens), new ArrayList<>()), null, null));
		}
		return pieces;
	}

	/** Removes tokens up to and including the first top-level one matching (and {@code count} of them). */
	private static boolean dropThrough(List<SqlToken> tokens, java.util.function.Predicate<SqlToken> end, int count) {
		int depth = 0;
		for (int i = 0; i < tokens.size(); i++) {
			SqlToken token = tokens.get(i);
			if (token.isSymbol("(")) {
				depth++;
			}
			else if (token.isSymbol(")")) {
				depth--;
			}
			else if (depth == 0 && end.test(token)) {
				int last = Math.min(tokens.size() - 1, i + count - 1);
				tokens.subList(0, last + 1).clear();
				return true;
			}
		}
		return false;
	}

	/** How many characters the opening quote of a string token takes ({@code '}, {@code $$}, {@code $tag$}). */
	private static int quoteLength(SqlToken string) {
		String text = string.text();
		if (text.startsWith("$")) {
			return text.indexOf('$', 1) + 1;
		}
		return (text.startsWith("E'") || text.startsWith("e'")) ? 2 : 1;
	}

}

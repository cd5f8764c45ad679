package dev.zdm.lint;

import java.util.ArrayList;
import java.util.List;

import dev.zdm.lint.sql.SqlTokenizer;

/**
 * Splits a PostgreSQL script into statements on the tokens of {@link SqlTokenizer}: semicolons inside
 * strings, dollar quotes, quoted identifiers or comments do not end a statement, nor do those of a
 * {@code BEGIN ATOMIC ... END} function body. Every statement keeps the line and column where it starts,
 * and the comments that belong to it.
 */
final class SqlScriptSplitter {

	private SqlScriptSplitter() {
	}

	/**
	 * The statements of a script. Positions are shifted by {@code firstLine}/{@code firstColumn} so that a
	 * fragment of a larger file (a Liquibase changeset) reports positions in that file.
	 */
	static List<SqlStatement> split(String sql, int firstLine, int firstColumn) {
		List<SqlStatement> statements = new ArrayList<>();
		List<SqlToken> tokens = new ArrayList<>();
		List<SqlComment> comments = new ArrayList<>();
		int start = -1;
		int atomicDepth = 0;
		int lastEndLine = -1;
		SqlStatement previous = null;
		for (SqlTokenizer.Token lexed : SqlTokenizer.tokenize(sql, firstLine, firstColumn)) {
			if (lexed.kind() == SqlTokenizer.Kind.COMMENT) {
				SqlComment comment = new SqlComment(lexed.value(), lexed.line(), lexed.column());
				// A comment on the line where the previous statement ended explains that statement.
				if (tokens.isEmpty() && previous != null && comment.line() == lastEndLine) {
					previous.comments().add(comment);
				}
				else {
					comments.add(comment);
				}
				continue;
			}
			SqlToken token = new SqlToken(kind(lexed.kind()), lexed.text(), lexed.value(), lexed.line(), lexed.column());
			if (token.isSymbol(";") && atomicDepth == 0) {
				if (!tokens.isEmpty()) {
					previous = new SqlStatement(sql.substring(start, lexed.start()).strip(), List.copyOf(tokens), comments);
					statements.add(previous);
				}
				else if (!comments.isEmpty() && previous != null) {
					previous.comments().addAll(comments);
				}
				lastEndLine = token.line();
				tokens = new ArrayList<>();
				comments = new ArrayList<>();
				start = -1;
				continue;
			}
			if (tokens.isEmpty()) {
				start = lexed.start();
			}
			tokens.add(token);
			atomicDepth = atomicDepth(tokens, token, atomicDepth);
		}
		if (!tokens.isEmpty()) {
			statements.add(new SqlStatement(sql.substring(start).strip(), List.copyOf(tokens), comments));
		}
		else if (!comments.isEmpty() && previous != null) {
			previous.comments().addAll(comments);
		}
		return statements;
	}

	static List<SqlStatement> split(String sql) {
		return split(sql, 1, 1);
	}

	private static SqlToken.Kind kind(SqlTokenizer.Kind kind) {
		return switch (kind) {
			case WORD -> SqlToken.Kind.WORD;
			case QUOTED_IDENTIFIER -> SqlToken.Kind.QUOTED_IDENTIFIER;
			case STRING -> SqlToken.Kind.STRING;
			case NUMBER -> SqlToken.Kind.NUMBER;
			case SYMBOL -> SqlToken.Kind.SYMBOL;
			case PARAMETER -> SqlToken.Kind.PARAMETER;
			case COMMENT -> throw new IllegalArgumentException("comments are not statement tokens");
		};
	}

	// SQL-standard function bodies (PostgreSQL 14+) hold semicolons between BEGIN ATOMIC and its END;
	// CASE ... END pairs inside them must not close the body early.
	private static int atomicDepth(List<SqlToken> tokens, SqlToken token, int depth) {
		int size = tokens.size();
		if (token.isWord("atomic") && size >= 2 && tokens.get(size - 2).isWord("begin")) {
			return depth + 1;
		}
		if (depth > 0 && token.isWord("case")) {
			return depth + 1;
		}
		if (depth > 0 && token.isWord("end")) {
			return depth - 1;
		}
		return depth;
	}

}

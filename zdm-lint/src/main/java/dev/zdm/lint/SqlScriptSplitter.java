package dev.zdm.lint;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a PostgreSQL script into statements the way the server's lexer sees it: semicolons inside
 * single-quoted, escape ({@code E'...'}), dollar-quoted and double-quoted text or inside comments (nested
 * block comments included) do not end a statement, nor do those of a {@code BEGIN ATOMIC ... END} function
 * body. Every statement keeps the line and column where it starts, and the comments that belong to it.
 */
final class SqlScriptSplitter {

	private final String sql;

	private int position;

	private int line = 1;

	private int column = 1;

	private SqlScriptSplitter(String sql) {
		this.sql = sql;
	}

	/**
	 * The statements of a script. Positions are shifted by {@code firstLine}/{@code firstColumn} so that a
	 * fragment of a larger file (a Liquibase changeset) reports positions in that file.
	 */
	static List<SqlStatement> split(String sql, int firstLine, int firstColumn) {
		SqlScriptSplitter splitter = new SqlScriptSplitter(sql);
		splitter.line = firstLine;
		splitter.column = firstColumn;
		return splitter.statements();
	}

	static List<SqlStatement> split(String sql) {
		return split(sql, 1, 1);
	}

	private List<SqlStatement> statements() {
		List<SqlStatement> statements = new ArrayList<>();
		List<SqlToken> tokens = new ArrayList<>();
		List<SqlComment> comments = new ArrayList<>();
		int start = -1;
		int atomicDepth = 0;
		int lastEndLine = -1;
		SqlStatement previous = null;
		while (true) {
			skipWhitespace();
			if (this.position >= this.sql.length()) {
				break;
			}
			if (startsWith("--") || startsWith("/*")) {
				SqlComment comment = comment();
				// A comment on the line where the previous statement ended explains that statement.
				if (tokens.isEmpty() && previous != null && comment.line() == lastEndLine) {
					previous.comments().add(comment);
				}
				else {
					comments.add(comment);
				}
				continue;
			}
			int tokenStart = this.position;
			SqlToken token = token();
			if (token.isSymbol(";") && atomicDepth == 0) {
				if (!tokens.isEmpty()) {
					previous = new SqlStatement(this.sql.substring(start, tokenStart).strip(), List.copyOf(tokens),
							comments);
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
				start = tokenStart;
			}
			tokens.add(token);
			atomicDepth = atomicDepth(tokens, token, atomicDepth);
		}
		if (!tokens.isEmpty()) {
			statements.add(new SqlStatement(this.sql.substring(start).strip(), List.copyOf(tokens), comments));
		}
		else if (!comments.isEmpty() && previous != null) {
			previous.comments().addAll(comments);
		}
		return statements;
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

	private void skipWhitespace() {
		while (this.position < this.sql.length() && Character.isWhitespace(this.sql.charAt(this.position))) {
			advance();
		}
	}

	private SqlComment comment() {
		int line = this.line;
		int column = this.column;
		if (startsWith("--")) {
			int begin = this.position + 2;
			while (this.position < this.sql.length() && this.sql.charAt(this.position) != '\n') {
				advance();
			}
			return new SqlComment(this.sql.substring(begin, this.position).strip(), line, column);
		}
		advance();
		advance();
		int begin = this.position;
		int depth = 1;
		while (this.position < this.sql.length()) {
			if (startsWith("/*")) {
				depth++;
				advance();
			}
			else if (startsWith("*/")) {
				depth--;
				if (depth == 0) {
					String text = this.sql.substring(begin, this.position);
					advance();
					advance();
					return new SqlComment(text.strip(), line, column);
				}
				advance();
			}
			advance();
		}
		return new SqlComment(this.sql.substring(begin).strip(), line, column);
	}

	private SqlToken token() {
		int line = this.line;
		int column = this.column;
		int begin = this.position;
		char c = this.sql.charAt(this.position);
		if ((c == 'E' || c == 'e') && peek(1) == '\'') {
			advance();
			String value = quoted('\'', true);
			return new SqlToken(SqlToken.Kind.STRING, this.sql.substring(begin, this.position), value, line, column);
		}
		if ((c == 'B' || c == 'b' || c == 'X' || c == 'x' || c == 'N' || c == 'n') && peek(1) == '\'') {
			advance();
			String value = quoted('\'', false);
			return new SqlToken(SqlToken.Kind.STRING, this.sql.substring(begin, this.position), value, line, column);
		}
		if ((c == 'U' || c == 'u') && peek(1) == '&' && (peek(2) == '\'' || peek(2) == '"')) {
			advance();
			advance();
			char quote = this.sql.charAt(this.position);
			String value = quoted(quote, false);
			SqlToken.Kind kind = (quote == '"') ? SqlToken.Kind.QUOTED_IDENTIFIER : SqlToken.Kind.STRING;
			return new SqlToken(kind, this.sql.substring(begin, this.position), value, line, column);
		}
		if (c == '\'') {
			String value = quoted('\'', false);
			return new SqlToken(SqlToken.Kind.STRING, this.sql.substring(begin, this.position), value, line, column);
		}
		if (c == '"') {
			String value = quoted('"', false);
			return new SqlToken(SqlToken.Kind.QUOTED_IDENTIFIER, this.sql.substring(begin, this.position), value,
					line, column);
		}
		if (c == '$') {
			String tag = dollarTag();
			if (tag != null) {
				return dollarQuoted(tag, begin, line, column);
			}
			advance();
			while (this.position < this.sql.length() && Character.isDigit(this.sql.charAt(this.position))) {
				advance();
			}
			String text = this.sql.substring(begin, this.position);
			return new SqlToken(SqlToken.Kind.PARAMETER, text, text, line, column);
		}
		if (Character.isLetter(c) || c == '_') {
			while (this.position < this.sql.length() && isWordPart(this.sql.charAt(this.position))) {
				advance();
			}
			String text = this.sql.substring(begin, this.position);
			return new SqlToken(SqlToken.Kind.WORD, text, text.toLowerCase(Locale.ROOT), line, column);
		}
		if (Character.isDigit(c) || (c == '.' && Character.isDigit(peek(1)))) {
			while (this.position < this.sql.length() && (Character.isLetterOrDigit(this.sql.charAt(this.position))
					|| this.sql.charAt(this.position) == '.' || this.sql.charAt(this.position) == '_')) {
				advance();
			}
			String text = this.sql.substring(begin, this.position);
			return new SqlToken(SqlToken.Kind.NUMBER, text, text, line, column);
		}
		if (c == ':' && peek(1) == ':') {
			advance();
			advance();
			return new SqlToken(SqlToken.Kind.SYMBOL, "::", "::", line, column);
		}
		advance();
		String text = String.valueOf(c);
		return new SqlToken(SqlToken.Kind.SYMBOL, text, text, line, column);
	}

	private static boolean isWordPart(char c) {
		return Character.isLetterOrDigit(c) || c == '_' || c == '$';
	}

	/** The tag of a dollar quote starting here ({@code $$} or {@code $tag$}), or null. */
	private String dollarTag() {
		int end = this.position + 1;
		while (end < this.sql.length() && (Character.isLetterOrDigit(this.sql.charAt(end)) || this.sql.charAt(end) == '_')) {
			end++;
		}
		if (end < this.sql.length() && this.sql.charAt(end) == '$'
				&& (end == this.position + 1 || !Character.isDigit(this.sql.charAt(this.position + 1)))) {
			return this.sql.substring(this.position, end + 1);
		}
		return null;
	}

	private SqlToken dollarQuoted(String tag, int begin, int line, int column) {
		for (int i = 0; i < tag.length(); i++) {
			advance();
		}
		int bodyStart = this.position;
		int close = this.sql.indexOf(tag, this.position);
		int bodyEnd = (close >= 0) ? close : this.sql.length();
		while (this.position < bodyEnd) {
			advance();
		}
		String body = this.sql.substring(bodyStart, bodyEnd);
		if (close >= 0) {
			for (int i = 0; i < tag.length(); i++) {
				advance();
			}
		}
		return new SqlToken(SqlToken.Kind.STRING, this.sql.substring(begin, this.position), body, line, column);
	}

	/** Reads a quoted run starting at the opening quote; a doubled quote is an escaped quote. */
	private String quoted(char quote, boolean backslashEscapes) {
		StringBuilder value = new StringBuilder();
		advance();
		while (this.position < this.sql.length()) {
			char c = this.sql.charAt(this.position);
			if (backslashEscapes && c == '\\' && this.position + 1 < this.sql.length()) {
				advance();
				value.append(this.sql.charAt(this.position));
				advance();
				continue;
			}
			if (c == quote) {
				if (peek(1) == quote) {
					value.append(quote);
					advance();
					advance();
					continue;
				}
				advance();
				return value.toString();
			}
			value.append(c);
			advance();
		}
		return value.toString();
	}

	private boolean startsWith(String prefix) {
		return this.sql.startsWith(prefix, this.position);
	}

	private char peek(int offset) {
		int index = this.position + offset;
		return (index < this.sql.length()) ? this.sql.charAt(index) : '\0';
	}

	private void advance() {
		if (this.sql.charAt(this.position) == '\n') {
			this.line++;
			this.column = 1;
		}
		else {
			this.column++;
		}
		this.position++;
	}

}

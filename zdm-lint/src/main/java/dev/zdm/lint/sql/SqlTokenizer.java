package dev.zdm.lint.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one PostgreSQL lexer of zdm: splits SQL text into tokens the way the server's lexer sees them, so that
 * a {@code ;}, a parenthesis or a column name inside a string, a quoted identifier, a dollar-quoted body or
 * a comment is never taken for code. It knows single-quoted strings (with {@code ''}), escape strings
 * ({@code E'\''}), bit, hex, national and Unicode strings, dollar quotes ({@code $$...$$},
 * {@code $tag$...$tag$}), quoted identifiers, nested block comments, positional parameters and {@code ::}.
 * The linter's script splitter, zdm-core's expression checks and index-definition rewriting, and the sync
 * trigger's choice of dollar tag all use it.
 */
public final class SqlTokenizer {

	/** What a token is. */
	public enum Kind {

		/** An unquoted keyword or identifier ({@code $} may follow its first character). */
		WORD,
		/** A double-quoted identifier. */
		QUOTED_IDENTIFIER,
		/** A string constant in any of its forms. */
		STRING,
		NUMBER,
		/** An operator or punctuation: one character, except {@code ::}. */
		SYMBOL,
		/** A positional parameter such as {@code $1}. */
		PARAMETER,
		/** A {@code --} or (possibly nested) block comment. */
		COMMENT

	}

	/**
	 * One token.
	 * @param kind what it is
	 * @param text the token as written
	 * @param value its meaning: lower case for a word (PostgreSQL folds them), the content of a string or
	 * quoted identifier (quotes and escapes resolved), the stripped text of a comment
	 * @param start offset of its first character in the input
	 * @param end offset after its last character
	 * @param line 1-based line where it starts
	 * @param column 1-based column where it starts
	 * @param terminated false for a string, quoted identifier or block comment that the input ends inside
	 */
	public record Token(Kind kind, String text, String value, int start, int end, int line, int column,
			boolean terminated) {

		public boolean isWord(String word) {
			return this.kind == Kind.WORD && this.value.equals(word);
		}

		public boolean isSymbol(String symbol) {
			return this.kind == Kind.SYMBOL && this.text.equals(symbol);
		}

	}

	private final String sql;

	private int position;

	private int line;

	private int column;

	private boolean terminated;

	private SqlTokenizer(String sql, int line, int column) {
		this.sql = sql;
		this.line = line;
		this.column = column;
	}

	/** The tokens of {@code sql}, comments included, whitespace left out. */
	public static List<Token> tokenize(String sql) {
		return tokenize(sql, 1, 1);
	}

	/**
	 * The tokens of {@code sql}, with lines and columns counted from {@code firstLine}/{@code firstColumn} so
	 * that a fragment of a larger file reports positions in that file.
	 */
	public static List<Token> tokenize(String sql, int firstLine, int firstColumn) {
		return new SqlTokenizer(sql, firstLine, firstColumn).tokens();
	}

	/**
	 * A dollar-quote tag ({@code $name$}, or {@code $name_$}, {@code $name__$}... as needed) that does not
	 * occur in {@code body}, so that {@code tag + body + tag} quotes the body whatever it holds.
	 */
	public static String freeDollarTag(String body, String name) {
		String tag = "$" + name + "$";
		while (body.contains(tag)) {
			tag = tag.substring(0, tag.length() - 1) + "_$";
		}
		return tag;
	}

	private List<Token> tokens() {
		List<Token> tokens = new ArrayList<>();
		while (true) {
			while (this.position < this.sql.length() && Character.isWhitespace(this.sql.charAt(this.position))) {
				advance();
			}
			if (this.position >= this.sql.length()) {
				return tokens;
			}
			this.terminated = true;
			tokens.add((startsWith("--") || startsWith("/*")) ? comment() : token());
		}
	}

	private Token comment() {
		int line = this.line;
		int column = this.column;
		int begin = this.position;
		if (startsWith("--")) {
			while (this.position < this.sql.length() && this.sql.charAt(this.position) != '\n') {
				advance();
			}
			return token(Kind.COMMENT, begin, this.sql.substring(begin + 2, this.position).strip(), line, column);
		}
		advance();
		advance();
		int depth = 1;
		while (this.position < this.sql.length()) {
			if (startsWith("/*")) {
				depth++;
				advance();
			}
			else if (startsWith("*/")) {
				depth--;
				if (depth == 0) {
					String text = this.sql.substring(begin + 2, this.position);
					advance();
					advance();
					return token(Kind.COMMENT, begin, text.strip(), line, column);
				}
				advance();
			}
			advance();
		}
		this.terminated = false;
		return token(Kind.COMMENT, begin, this.sql.substring(begin + 2).strip(), line, column);
	}

	private Token token() {
		int line = this.line;
		int column = this.column;
		int begin = this.position;
		char c = this.sql.charAt(this.position);
		if ((c == 'E' || c == 'e') && peek(1) == '\'') {
			advance();
			String value = quoted('\'', true);
			return token(Kind.STRING, begin, value, line, column);
		}
		if ((c == 'B' || c == 'b' || c == 'X' || c == 'x' || c == 'N' || c == 'n') && peek(1) == '\'') {
			advance();
			String value = quoted('\'', false);
			return token(Kind.STRING, begin, value, line, column);
		}
		if ((c == 'U' || c == 'u') && peek(1) == '&' && (peek(2) == '\'' || peek(2) == '"')) {
			advance();
			advance();
			char quote = this.sql.charAt(this.position);
			String value = quoted(quote, false);
			return token((quote == '"') ? Kind.QUOTED_IDENTIFIER : Kind.STRING, begin, value, line, column);
		}
		if (c == '\'') {
			return token(Kind.STRING, begin, quoted('\'', false), line, column);
		}
		if (c == '"') {
			return token(Kind.QUOTED_IDENTIFIER, begin, quoted('"', false), line, column);
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
			return token(Kind.PARAMETER, begin, this.sql.substring(begin, this.position), line, column);
		}
		if (Character.isLetter(c) || c == '_') {
			while (this.position < this.sql.length() && isWordPart(this.sql.charAt(this.position))) {
				advance();
			}
			return token(Kind.WORD, begin, this.sql.substring(begin, this.position).toLowerCase(Locale.ROOT), line,
					column);
		}
		if (Character.isDigit(c) || (c == '.' && Character.isDigit(peek(1)))) {
			while (this.position < this.sql.length() && (Character.isLetterOrDigit(this.sql.charAt(this.position))
					|| this.sql.charAt(this.position) == '.' || this.sql.charAt(this.position) == '_')) {
				advance();
			}
			return token(Kind.NUMBER, begin, this.sql.substring(begin, this.position), line, column);
		}
		if (c == ':' && peek(1) == ':') {
			advance();
			advance();
			return token(Kind.SYMBOL, begin, "::", line, column);
		}
		advance();
		return token(Kind.SYMBOL, begin, String.valueOf(c), line, column);
	}

	private Token token(Kind kind, int begin, String value, int line, int column) {
		return new Token(kind, this.sql.substring(begin, this.position), value, begin, this.position, line, column,
				this.terminated);
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

	private Token dollarQuoted(String tag, int begin, int line, int column) {
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
		else {
			this.terminated = false;
		}
		return token(Kind.STRING, begin, body, line, column);
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
		this.terminated = false;
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

package dev.zdm.lint;

/**
 * One lexical token of a PostgreSQL statement, with its position in the source (1-based line and column).
 *
 * @param kind what the token is
 * @param text the token as written
 * @param value the token's meaning: lower-cased for unquoted words (PostgreSQL folds them), the content for
 * quoted identifiers and strings
 * @param line 1-based line
 * @param column 1-based column
 */
record SqlToken(Kind kind, String text, String value, int line, int column) {

	enum Kind {

		/** An unquoted keyword or identifier. */
		WORD,
		/** A double-quoted identifier. */
		QUOTED_IDENTIFIER,
		/** A single-quoted or dollar-quoted string constant. */
		STRING,
		NUMBER,
		/** An operator or punctuation, {@code ::} kept as one token. */
		SYMBOL,
		/** A positional parameter such as {@code $1}. */
		PARAMETER

	}

	boolean isWord(String word) {
		return this.kind == Kind.WORD && this.value.equals(word);
	}

	boolean isSymbol(String symbol) {
		return this.kind == Kind.SYMBOL && this.text.equals(symbol);
	}

	boolean isIdentifier() {
		return this.kind == Kind.WORD || this.kind == Kind.QUOTED_IDENTIFIER;
	}

}

package dev.zdm.lint;

import java.util.ArrayList;
import java.util.List;

/** Walks the tokens of one statement (or one part of it) for the recursive-descent {@link StatementParser}. */
final class TokenCursor {

	private final List<SqlToken> tokens;

	private int index;

	TokenCursor(List<SqlToken> tokens) {
		this.tokens = tokens;
	}

	boolean atEnd() {
		return this.index >= this.tokens.size();
	}

	SqlToken peek() {
		return atEnd() ? null : this.tokens.get(this.index);
	}

	SqlToken peek(int offset) {
		int at = this.index + offset;
		return (at < this.tokens.size()) ? this.tokens.get(at) : null;
	}

	SqlToken next() {
		return this.tokens.get(this.index++);
	}

	/** The last token consumed, or the first one when none was. */
	SqlToken current() {
		return this.tokens.get(Math.max(0, this.index - 1));
	}

	/** Whether the next tokens are these words, in order. */
	boolean peekWords(String... words) {
		for (int i = 0; i < words.length; i++) {
			SqlToken token = peek(i);
			if (token == null || !token.isWord(words[i])) {
				return false;
			}
		}
		return true;
	}

	/** Consumes the words if the next tokens are exactly these. */
	boolean accept(String... words) {
		if (peekWords(words)) {
			this.index += words.length;
			return true;
		}
		return false;
	}

	boolean acceptSymbol(String symbol) {
		if (!atEnd() && peek().isSymbol(symbol)) {
			this.index++;
			return true;
		}
		return false;
	}

	boolean peekSymbol(String symbol) {
		return !atEnd() && peek().isSymbol(symbol);
	}

	/** A possibly schema-qualified name, or null if the next token is not an identifier. */
	ParsedStatement.Name name() {
		if (atEnd() || !peek().isIdentifier()) {
			return null;
		}
		SqlToken first = next();
		String schema = null;
		String name = first.value();
		while (peekSymbol(".") && peek(1) != null && peek(1).isIdentifier()) {
			this.index++;
			schema = name;
			name = next().value();
		}
		return new ParsedStatement.Name(schema, name, first);
	}

	/** The tokens inside the parentheses that start here (the cursor must be on {@code (}), consumed. */
	List<SqlToken> parenthesized() {
		List<SqlToken> inside = new ArrayList<>();
		if (!acceptSymbol("(")) {
			return inside;
		}
		int depth = 1;
		while (!atEnd()) {
			SqlToken token = next();
			if (token.isSymbol("(")) {
				depth++;
			}
			else if (token.isSymbol(")")) {
				depth--;
				if (depth == 0) {
					return inside;
				}
			}
			inside.add(token);
		}
		return inside;
	}

	/** The rest of the tokens, consumed. */
	List<SqlToken> rest() {
		List<SqlToken> rest = this.tokens.subList(this.index, this.tokens.size());
		this.index = this.tokens.size();
		return rest;
	}

	/** Whether any of the remaining tokens, at any depth, is this word. */
	boolean remainingContainsWord(String word) {
		for (int i = this.index; i < this.tokens.size(); i++) {
			if (this.tokens.get(i).isWord(word)) {
				return true;
			}
		}
		return false;
	}

	/** Splits tokens on commas that are not inside parentheses or brackets. */
	static List<List<SqlToken>> splitTopLevel(List<SqlToken> tokens) {
		List<List<SqlToken>> parts = new ArrayList<>();
		List<SqlToken> part = new ArrayList<>();
		int depth = 0;
		for (SqlToken token : tokens) {
			if (token.isSymbol("(") || token.isSymbol("[")) {
				depth++;
			}
			else if (token.isSymbol(")") || token.isSymbol("]")) {
				depth--;
			}
			if (depth == 0 && token.isSymbol(",")) {
				parts.add(part);
				part = new ArrayList<>();
				continue;
			}
			part.add(token);
		}
		if (!part.isEmpty()) {
			parts.add(part);
		}
		return parts;
	}

	static List<String> identifiers(List<SqlToken> tokens) {
		List<String> names = new ArrayList<>();
		for (List<SqlToken> part : splitTopLevel(tokens)) {
			if (!part.isEmpty() && part.get(0).isIdentifier()) {
				names.add(part.get(0).value());
			}
		}
		return names;
	}

}

package dev.zdm.lint;

import java.util.List;

/**
 * One statement of a script as the splitter found it.
 *
 * @param text the statement without its terminating semicolon
 * @param tokens its tokens, never empty
 * @param comments the comments inside it, just before it, or trailing on the line it ends (mutable: the
 * splitter attaches trailing comments after the fact)
 */
record SqlStatement(String text, List<SqlToken> tokens, List<SqlComment> comments) {

	int line() {
		return this.tokens.get(0).line();
	}

	int column() {
		return this.tokens.get(0).column();
	}

}

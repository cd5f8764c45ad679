package dev.zdm.lint;

/**
 * A comment of a SQL script, kept for the {@code -- zdm:allow} suppressions it may hold.
 *
 * @param text the comment body without its delimiters
 * @param line 1-based line where it starts
 * @param column 1-based column where it starts
 */
record SqlComment(String text, int line, int column) {
}

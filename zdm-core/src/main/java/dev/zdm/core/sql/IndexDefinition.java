package dev.zdm.core.sql;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.zdm.lint.sql.SqlTokenizer;

/**
 * Rewrites an index definition as {@code pg_get_indexdef} prints it so that it indexes another column:
 * the copy zdm builds on a new column before the old one is dropped.
 */
public final class IndexDefinition {

	private static final Pattern HEADER = Pattern
		.compile("^CREATE (UNIQUE )?INDEX (?:\"(?:[^\"]|\"\")+\"|\\S+) ON (ONLY )?(.+?) USING (.*)$", Pattern.DOTALL);

	private IndexDefinition() {
	}

	/**
	 * {@code CREATE [UNIQUE] INDEX CONCURRENTLY IF NOT EXISTS <name> ON ...} with every reference to
	 * {@code from} in the key, expressions, {@code INCLUDE} and predicate replaced by {@code to}.
	 * @throws IllegalArgumentException if the definition is not of the form PostgreSQL prints
	 */
	public static String concurrentCopy(String definition, Identifier name, Identifier from, Identifier to) {
		Matcher matcher = HEADER.matcher(definition);
		if (!matcher.matches()) {
			throw new IllegalArgumentException("Unexpected index definition: " + definition);
		}
		if (matcher.group(2) != null) {
			throw new IllegalArgumentException("Indexes of partitioned tables cannot be built concurrently: " + definition);
		}
		String unique = (matcher.group(1) != null) ? "UNIQUE " : "";
		return "CREATE " + unique + "INDEX CONCURRENTLY IF NOT EXISTS " + name.quoted() + " ON " + matcher.group(3)
				+ " USING " + replaceColumn(matcher.group(4), from, to);
	}

	/**
	 * Replaces column references (identifiers not qualified by a {@code .}, not called as functions and not
	 * type names after {@code ::}) outside strings and comments, on the tokens of {@link SqlTokenizer}.
	 */
	static String replaceColumn(String sql, Identifier from, Identifier to) {
		List<SqlTokenizer.Token> tokens = SqlTokenizer.tokenize(sql);
		StringBuilder out = new StringBuilder();
		int copied = 0;
		for (int i = 0; i < tokens.size(); i++) {
			SqlTokenizer.Token token = tokens.get(i);
			// pg_get_indexdef prints a name unquoted only when it is lower case: compare as written.
			String name = switch (token.kind()) {
				case WORD -> token.text();
				case QUOTED_IDENTIFIER -> token.value();
				default -> null;
			};
			if (name == null || !name.equals(from.name())) {
				continue;
			}
			SqlTokenizer.Token before = (i > 0) ? tokens.get(i - 1) : null;
			SqlTokenizer.Token after = (i + 1 < tokens.size()) ? tokens.get(i + 1) : null;
			boolean qualified = before != null && before.isSymbol(".") && before.end() == token.start();
			// A type name after "::" ("'2024-01-01'::date") is not a column reference.
			boolean typeName = before != null && before.isSymbol("::");
			boolean call = after != null && after.isSymbol("(");
			if (!qualified && !call && !typeName) {
				out.append(sql, copied, token.start()).append(to.quoted());
				copied = token.end();
			}
		}
		return out.append(sql, copied, sql.length()).toString();
	}

}

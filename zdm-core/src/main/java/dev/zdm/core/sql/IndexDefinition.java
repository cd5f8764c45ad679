package dev.zdm.core.sql;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
	 * Replaces column references (identifiers not qualified by a {@code .} and not called as functions)
	 * outside string literals.
	 */
	static String replaceColumn(String sql, Identifier from, Identifier to) {
		StringBuilder out = new StringBuilder();
		int i = 0;
		int n = sql.length();
		while (i < n) {
			char c = sql.charAt(i);
			if (c == '\'') {
				int end = i + 1;
				while (end < n && !(sql.charAt(end) == '\'' && (end + 1 >= n || sql.charAt(end + 1) != '\''))) {
					end += (sql.charAt(end) == '\'') ? 2 : 1;
				}
				out.append(sql, i, Math.min(n, end + 1));
				i = end + 1;
				continue;
			}
			if (c == '"' || Character.isLetter(c) || c == '_') {
				int end;
				String name;
				if (c == '"') {
					end = i + 1;
					StringBuilder quoted = new StringBuilder();
					while (end < n) {
						if (sql.charAt(end) == '"') {
							if (end + 1 < n && sql.charAt(end + 1) == '"') {
								quoted.append('"');
								end += 2;
								continue;
							}
							break;
						}
						quoted.append(sql.charAt(end++));
					}
					end++;
					name = quoted.toString();
				}
				else {
					end = i;
					while (end < n && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_'
							|| sql.charAt(end) == '$')) {
						end++;
					}
					name = sql.substring(i, end);
				}
				boolean qualified = i > 0 && sql.charAt(i - 1) == '.';
				int before = i - 1;
				while (before >= 0 && Character.isWhitespace(sql.charAt(before))) {
					before--;
				}
				// A type name after "::" ("'2024-01-01'::date") is not a column reference.
				boolean typeName = before >= 1 && sql.charAt(before) == ':' && sql.charAt(before - 1) == ':';
				int next = end;
				while (next < n && Character.isWhitespace(sql.charAt(next))) {
					next++;
				}
				boolean call = next < n && sql.charAt(next) == '(';
				if (name.equals(from.name()) && !qualified && !call && !typeName) {
					out.append(to.quoted());
				}
				else {
					out.append(sql, i, Math.min(n, end));
				}
				i = end;
				continue;
			}
			out.append(c);
			i++;
		}
		return out.toString();
	}

}

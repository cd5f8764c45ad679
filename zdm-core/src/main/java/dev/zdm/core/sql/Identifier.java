package dev.zdm.core.sql;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A validated PostgreSQL identifier. Every identifier that comes from a plan passes through here; nothing
 * else in zdm builds SQL from user-supplied names.
 * <p>
 * Names are taken exactly as the catalog spells them and always quoted, so {@code Users} and {@code users}
 * are different tables, as they are to PostgreSQL once quoted.
 *
 * @param name the identifier as PostgreSQL stores it
 */
public record Identifier(String name) {

	/** PostgreSQL truncates identifiers longer than NAMEDATALEN - 1 bytes. */
	public static final int MAX_BYTES = 63;

	private static final Pattern VALID = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");

	public Identifier {
		String problem = problem(name);
		if (problem != null) {
			throw new IllegalArgumentException(problem);
		}
	}

	/** Validates {@code name}, throwing {@link IllegalArgumentException} with the reason if it is not valid. */
	public static Identifier of(String name) {
		return new Identifier(name);
	}

	/** Why {@code name} is not a valid identifier, or {@code null} if it is. */
	public static String problem(String name) {
		if (name == null || name.isEmpty()) {
			return "an identifier is required";
		}
		if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
			return "\"" + name + "\" is longer than PostgreSQL's " + MAX_BYTES + "-byte identifier limit";
		}
		if (!VALID.matcher(name).matches()) {
			return "\"" + name + "\" is not a valid identifier: use letters, digits, _ and $, starting with a letter or _";
		}
		return null;
	}

	/**
	 * A name read back from the catalog (a role's, say), quoted for SQL text. Such names are not limited to
	 * what {@link #of} accepts for a plan; doubling each {@code "} keeps any of them one identifier.
	 */
	public static String quote(String catalogName) {
		if (catalogName == null || catalogName.isEmpty()) {
			throw new IllegalArgumentException("an identifier is required");
		}
		return '"' + catalogName.replace("\"", "\"\"") + '"';
	}

	/** The identifier quoted for SQL text. */
	public String quoted() {
		return '"' + this.name + '"';
	}

	@Override
	public String toString() {
		return this.name;
	}

}

package dev.zdm.lint;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A column type, normalised so that spellings PostgreSQL treats as one type compare equal
 * ({@code int4}, {@code int} and {@code integer}; {@code character varying} and {@code varchar}).
 *
 * @param base the canonical type name
 * @param modifiers the type modifiers, e.g. {@code [10, 2]} for {@code numeric(10,2)}
 * @param array whether it is an array type
 * @param text the type as written
 */
record DataType(String base, List<Integer> modifiers, boolean array, String text) {

	private static final Map<String, String> ALIASES = Map.ofEntries(Map.entry("int", "integer"),
			Map.entry("int4", "integer"), Map.entry("int8", "bigint"), Map.entry("int2", "smallint"),
			Map.entry("serial4", "serial"), Map.entry("serial8", "bigserial"), Map.entry("serial2", "smallserial"),
			Map.entry("character varying", "varchar"), Map.entry("character", "char"), Map.entry("bpchar", "char"),
			Map.entry("decimal", "numeric"), Map.entry("float8", "double precision"), Map.entry("float4", "real"),
			Map.entry("bool", "boolean"), Map.entry("timestamp without time zone", "timestamp"),
			Map.entry("timestamp with time zone", "timestamptz"), Map.entry("time without time zone", "time"),
			Map.entry("time with time zone", "timetz"), Map.entry("bit varying", "varbit"));

	/** Builds a type from its words (e.g. {@code character varying}) and modifiers. */
	static DataType of(String words, List<Integer> modifiers, boolean array, String text) {
		String normalized = words.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").strip();
		if (normalized.startsWith("pg_catalog.")) {
			normalized = normalized.substring("pg_catalog.".length());
		}
		return new DataType(ALIASES.getOrDefault(normalized, normalized), List.copyOf(modifiers), array, text);
	}

	boolean isOneOf(String... bases) {
		for (String candidate : bases) {
			if (this.base.equals(candidate)) {
				return true;
			}
		}
		return false;
	}

	boolean isSerial() {
		return isOneOf("serial", "bigserial", "smallserial");
	}

	/** The type a serial column stores, so that FK type comparisons see {@code serial} as {@code integer}. */
	String storedBase() {
		return switch (this.base) {
			case "serial" -> "integer";
			case "bigserial" -> "bigint";
			case "smallserial" -> "smallint";
			default -> this.base;
		};
	}

	/**
	 * Whether changing a column from this type to {@code target} keeps the stored bytes valid, so that
	 * PostgreSQL neither rewrites the table nor rebuilds its indexes. Only changes known to be binary
	 * coercible without a length/precision check are allowed; everything else is presumed to rewrite.
	 */
	boolean changesWithoutRewriteTo(DataType target) {
		if (this.array != target.array) {
			return false;
		}
		if (this.base.equals(target.base) && this.modifiers.equals(target.modifiers)) {
			return true;
		}
		if (isOneOf("varchar", "text") && target.isOneOf("text")) {
			return true;
		}
		if (isOneOf("varchar", "text") && target.isOneOf("varchar")) {
			return target.modifiers.isEmpty() || (isOneOf("varchar") && !this.modifiers.isEmpty()
					&& target.modifiers.get(0) >= this.modifiers.get(0));
		}
		if (isOneOf("varbit") && target.isOneOf("varbit")) {
			return target.modifiers.isEmpty()
					|| (!this.modifiers.isEmpty() && target.modifiers.get(0) >= this.modifiers.get(0));
		}
		if (isOneOf("numeric") && target.isOneOf("numeric")) {
			if (target.modifiers.isEmpty()) {
				return true;
			}
			if (this.modifiers.isEmpty()) {
				return false;
			}
			int scale = (this.modifiers.size() > 1) ? this.modifiers.get(1) : 0;
			int targetScale = (target.modifiers.size() > 1) ? target.modifiers.get(1) : 0;
			return scale == targetScale && target.modifiers.get(0) >= this.modifiers.get(0);
		}
		if (isOneOf("cidr") && target.isOneOf("inet")) {
			return true;
		}
		return false;
	}

	@Override
	public String toString() {
		return this.text;
	}

}

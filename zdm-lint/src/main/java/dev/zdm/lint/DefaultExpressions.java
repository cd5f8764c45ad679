package dev.zdm.lint;

import java.util.List;
import java.util.Set;

/**
 * Judges whether a column default is volatile. Since PostgreSQL 11, {@code ADD COLUMN ... DEFAULT} with a
 * non-volatile expression stores the value once in the catalog; a volatile one must be evaluated per row,
 * which rewrites the table. A function the linter does not know is presumed volatile: it cannot prove
 * otherwise, and the message says so.
 */
final class DefaultExpressions {

	private static final Set<String> NON_VOLATILE_FUNCTIONS = Set.of("now", "current_timestamp", "current_date",
			"current_time", "localtimestamp", "localtime", "transaction_timestamp", "statement_timestamp", "lower",
			"upper", "coalesce", "nullif", "greatest", "least", "concat", "concat_ws", "length", "trim", "btrim",
			"ltrim", "rtrim", "substring", "substr", "replace", "abs", "round", "floor", "ceil", "to_jsonb", "to_json",
			"jsonb_build_object", "json_build_object", "jsonb_build_array", "json_build_array", "array", "row",
			"make_interval", "make_date", "make_timestamp", "make_timestamptz", "date_trunc", "timezone", "cast",
			"to_timestamp", "to_date", "to_char", "interval", "current_setting", "current_user", "session_user",
			"current_schema", "md5", "int4range", "int8range", "tstzrange", "daterange", "numrange", "point", "array_fill");

	private DefaultExpressions() {
	}

	/** The first function of the expression that is or may be volatile, or null if none. */
	static String volatileFunction(List<SqlToken> expression) {
		if (expression == null) {
			return null;
		}
		for (int i = 0; i + 1 < expression.size(); i++) {
			SqlToken token = expression.get(i);
			if (token.isIdentifier() && expression.get(i + 1).isSymbol("(")
					&& !(i > 0 && (expression.get(i - 1).isSymbol("::") || expression.get(i - 1).isWord("as")))
					&& !NON_VOLATILE_FUNCTIONS.contains(token.value())) {
				return token.value();
			}
		}
		return null;
	}

	/** Whether the default is absent or {@code NULL}, which never rewrites in any version. */
	static boolean isNullOrAbsent(List<SqlToken> expression) {
		return expression == null || expression.isEmpty()
				|| (expression.get(0).isWord("null") && (expression.size() == 1 || expression.get(1).isSymbol("::")));
	}

}

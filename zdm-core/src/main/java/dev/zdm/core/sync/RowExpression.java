package dev.zdm.core.sync;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import dev.zdm.core.sql.Identifier;
import dev.zdm.lint.sql.SqlTokenizer;

/**
 * SQL that computes one column inside a sync trigger, from the row being written.
 * <p>
 * A plan's {@code up} and {@code down} name the row's columns bare, as over the table. Inside the trigger
 * those names are PL/pgSQL variables of an inner block, one per column the expression names, each declared
 * with its column's type (as the catalog formats it, the form the trigger's casts use too; the table is not
 * named, so a renamed table keeps its trigger working) and assigned from {@code NEW} just before the
 * expression runs. PL/pgSQL resolves a variable exactly where SQL would resolve a column reference (a name
 * used as a function or a type is not one), and {@code #variable_conflict use_column} in the function keeps
 * a sub-select's own columns first, as they would be over the table. An expression with no sub-select is
 * then evaluated by PL/pgSQL as a simple expression, without the executor: the form that costs a write least.
 * <p>
 * An expression that could read the row another way (it names the table, or {@code _zdm_row} /
 * {@code _zdm_new}), that names something the trigger's own scope holds ({@code new}, {@code old},
 * {@code found}, {@code tg_*}, {@code _zdm_*}), or that holds a Unicode-escaped identifier is evaluated over
 * {@code (SELECT NEW.*) AS _zdm_row}, through the executor, as every expression was before.
 *
 * @param expression the SQL, over the variables when there are some, else over {@code NEW}
 * @param variables each variable (a name the expression uses), in order; empty for an expression evaluated
 * as it is
 */
public record RowExpression(String expression, Map<Identifier, Variable> variables) {

	private static final Set<String> TRIGGER_SCOPE = Set.of("new", "old", "found", "_zdm_row", "_zdm_new");

	public RowExpression {
		Objects.requireNonNull(expression, "expression");
		variables = Collections.unmodifiableMap(new LinkedHashMap<>(variables));
	}

	/**
	 * A variable of the block around an expression.
	 *
	 * @param column the column of {@code NEW} it is assigned from
	 * @param type its type, SQL
	 */
	public record Variable(Identifier column, String type) {
	}

	/** PL/pgSQL evaluated as it is, such as {@code NEW."email"}. */
	public static RowExpression of(String plpgsql) {
		return new RowExpression(plpgsql, Map.of());
	}

	/**
	 * {@code expression}, written over the table named {@code tableName} whose columns (as the row has them when
	 * the trigger runs) have the types {@code columns} (name to type, SQL), evaluated over the row being written
	 * and cast to {@code type}.
	 */
	public static RowExpression overRow(String expression, String type, String tableName, Map<String, String> columns) {
		return over(expression, type, tableName, columns, null, null);
	}

	/**
	 * Like {@link #overRow}, with the new column {@code newColumn} shown under the name {@code as}: it shadows
	 * a column of the row with the same name (the way back of a type change names the new column by its final
	 * name).
	 */
	public static RowExpression overNewRow(String expression, String type, Identifier newColumn, Identifier as,
			String tableName, Map<String, String> columns) {
		return over(expression, type, tableName, columns, newColumn, as);
	}

	private static RowExpression over(String expression, String type, String tableName, Map<String, String> columns,
			Identifier newColumn, Identifier as) {
		String cast = "CAST((" + expression + ") AS " + type + ")";
		Map<Identifier, Variable> variables = new LinkedHashMap<>();
		// A Unicode-escaped identifier (U&"...") is compared by its escapes, not its name: evaluated as before.
		boolean plain = !expression.toLowerCase(Locale.ROOT).contains("u&");
		for (SqlTokenizer.Token token : SqlTokenizer.tokenize(expression)) {
			if (!plain) {
				break;
			}
			if (token.kind() != SqlTokenizer.Kind.WORD && token.kind() != SqlTokenizer.Kind.QUOTED_IDENTIFIER) {
				continue;
			}
			String name = token.value();
			String lower = name.toLowerCase(Locale.ROOT);
			if (name.equals(tableName) || TRIGGER_SCOPE.contains(lower) || lower.startsWith("tg_")
					|| lower.startsWith("_zdm_")) {
				plain = false;
				break;
			}
			if (as != null && name.equals(as.name())) {
				variables.putIfAbsent(as, new Variable(newColumn, columns.get(newColumn.name())));
			}
			else if (columns.containsKey(name)) {
				variables.putIfAbsent(Identifier.of(name), new Variable(Identifier.of(name), columns.get(name)));
			}
		}
		if (plain && variables.values().stream().allMatch((variable) -> variable.type() != null)) {
			return new RowExpression(cast, variables);
		}
		String row = (as == null) ? "(SELECT " + cast + " FROM (SELECT NEW.*) AS _zdm_row)"
				: "(SELECT (SELECT " + cast + " FROM (SELECT NEW." + newColumn.quoted() + " AS " + as.quoted()
						+ ") AS _zdm_new) FROM (SELECT NEW.*) AS _zdm_row)";
		return of(row);
	}

	/** The PL/pgSQL statement that assigns this value to {@code NEW.column}. */
	public String assign(Identifier column) {
		String assignment = "NEW." + column.quoted() + " := " + this.expression + ";";
		if (this.variables.isEmpty()) {
			return assignment;
		}
		String declarations = this.variables.entrySet()
			.stream()
			.map((variable) -> variable.getKey().quoted() + " " + variable.getValue().type() + " := NEW."
					+ variable.getValue().column().quoted() + ";")
			.collect(Collectors.joining(" "));
		return "DECLARE " + declarations + " BEGIN " + assignment + " END;";
	}

}

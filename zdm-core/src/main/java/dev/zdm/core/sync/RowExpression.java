package dev.zdm.core.sync;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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

	/** Names of the trigger's own scope that an expression may not use as the row's columns. */
	private static final Set<String> TRIGGER_SCOPE = Set.of("new", "old", "found");

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

	/**
	 * The names an expression uses (words, lower-cased, and quoted identifiers, as written), in order: the
	 * columns it may read among them. Found with zdm's SQL tokenizer, so that strings and comments do not count.
	 */
	static Set<String> names(String expression) {
		Set<String> names = new LinkedHashSet<>();
		for (SqlTokenizer.Token token : SqlTokenizer.tokenize(expression)) {
			if (token.kind() == SqlTokenizer.Kind.WORD || token.kind() == SqlTokenizer.Kind.QUOTED_IDENTIFIER) {
				names.add(token.value());
			}
		}
		return names;
	}

	/**
	 * Whether names an expression uses ({@link #names}) may read the row as a whole rather than column by
	 * column: they name the table {@code table} itself or the trigger's row aliases.
	 */
	static boolean namesTheRow(Set<String> names, String table) {
		return names.contains(table) || names.contains("_zdm_row") || names.contains("_zdm_new");
	}

	private static RowExpression over(String expression, String type, String tableName, Map<String, String> columns,
			Identifier newColumn, Identifier as) {
		String cast = "CAST((" + expression + ") AS " + type + ")";
		Set<String> names = names(expression);
		// A Unicode-escaped identifier (U&"...") is compared by its escapes, not its name: evaluated as before.
		boolean plain = !expression.toLowerCase(Locale.ROOT).contains("u&") && !namesTheRow(names, tableName)
				&& names.stream().map((name) -> name.toLowerCase(Locale.ROOT)).noneMatch((name) ->
						TRIGGER_SCOPE.contains(name) || name.startsWith("tg_") || name.startsWith("_zdm_"));
		Map<Identifier, Variable> variables = new LinkedHashMap<>();
		for (String name : names) {
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

package dev.zdm.spring.dualwrite;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.Expression;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.StandardEvaluationContext;
import org.springframework.util.ObjectUtils;

/**
 * The {@link DualWrite#key} of a method: a SpEL expression over its arguments (by name, {@code #p0},
 * {@code #a0}) and {@code #result}. Parsed and checked at start-up against the method it is bound to, so that
 * a key that could only evaluate to nothing (a typo, a parameter the method does not have) stops the
 * application rather than leaving its writes unsynced.
 */
final class KeyExpression implements Binding.Keys {

	private static final SpelExpressionParser parser = new SpelExpressionParser();

	private static final ParameterNameDiscoverer discoverer = new DefaultParameterNameDiscoverer();

	private final List<Expression> expressions;

	private final List<String> sources;

	/** Where the key is, for messages. */
	private final String where;

	/** The names of the method's parameters, found once, or {@code null} when the class file does not have them. */
	private final String[] names;

	private KeyExpression(List<String> sources, List<Expression> expressions, String where, String[] names) {
		this.sources = sources;
		this.expressions = expressions;
		this.where = where;
		this.names = names;
	}

	/**
	 * The key {@code keys} of {@code method}: one expression, or one per column of a composite primary key.
	 * @param where the annotation's place for messages ({@code @DualWrite on bean 'x' (type) method m(long)})
	 * @throws IllegalStateException if an expression is blank or not valid SpEL, or names a variable the method
	 * does not give (a parameter it does not have, {@code #result} of a {@code void} method); the message says
	 * what to fix
	 */
	static KeyExpression parse(String[] keys, Method method, String where) {
		String[] names = discoverer.getParameterNames(method);
		List<Expression> expressions = new ArrayList<>();
		for (String key : keys) {
			expressions.add(parse(key, method, where, names));
		}
		return new KeyExpression(List.of(keys), expressions, where, names);
	}

	private static Expression parse(String key, Method method, String where, String[] names) {
		Expression expression;
		try {
			if (key.isBlank()) {
				throw new IllegalArgumentException("it is blank");
			}
			expression = parser.parseExpression(key);
		}
		catch (RuntimeException ex) {
			// Not chained: SpEL's message (with the position) is all there is to say, and the user reads ours first.
			throw new IllegalStateException(where + ": its key \"" + key + "\" is not a valid SpEL expression ("
					+ ex.getMessage() + "). " + fix(method, names));
		}
		if (expression instanceof SpelExpression spel) {
			Set<String> referenced = new LinkedHashSet<>();
			variables(spel.getAST(), referenced);
			for (String variable : referenced) {
				String wrong = unknown(variable, method, names);
				if (wrong != null) {
					throw new IllegalStateException(where + ": its key \"" + key + "\" names #" + variable + ", " + wrong
							+ ", so it would give no key and the method's writes would reach one shape alone. "
							+ fix(method, names));
				}
			}
		}
		return expression;
	}

	private static void variables(SpelNode node, Set<String> into) {
		if (node instanceof VariableReference) {
			// "#name"
			into.add(node.toStringAST().substring(1));
		}
		for (int i = 0; i < node.getChildCount(); i++) {
			variables(node.getChild(i), into);
		}
	}

	/** Why {@code variable} has no value when the key is evaluated, or {@code null} when it has one. */
	private static String unknown(String variable, Method method, String[] names) {
		if (variable.equals("root") || variable.equals("this")) {
			return null;
		}
		if (variable.equals("result")) {
			return (method.getReturnType() == void.class) ? "the method's result, but the method returns void" : null;
		}
		int count = method.getParameterCount();
		for (int i = 0; i < count; i++) {
			if (variable.equals("p" + i) || variable.equals("a" + i) || (names != null && variable.equals(names[i]))) {
				return null;
			}
		}
		if (names == null && count > 0 && !variable.matches("[pa]\\d+")) {
			return "but the names of the method's parameters are not in its class file (compile with -parameters, as "
					+ "Spring Boot's build plugins do, or use #p0, #p1, ...)";
		}
		return "which is not a parameter of the method";
	}

	/** What a key may name, for messages. */
	private static String fix(Method method, String[] names) {
		List<String> variables = new ArrayList<>();
		for (int i = 0; i < method.getParameterCount(); i++) {
			variables.add("#" + ((names != null) ? names[i] : "p" + i));
		}
		String example = variables.isEmpty() ? "#result" : variables.get(0);
		if (method.getReturnType() != void.class) {
			variables.add("#result");
		}
		return "Fix the key: a SpEL expression over the method's parameters and result ("
				+ (variables.isEmpty() ? "it has none" : String.join(", ", variables))
				+ ") giving the written rows' key or a collection of keys, e.g. @DualWrite(..., key = \"" + example + "\").";
	}

	@Override
	public Collection<?> of(Method method, Object[] arguments, Object result) {
		StandardEvaluationContext context = new StandardEvaluationContext();
		for (int i = 0; i < arguments.length; i++) {
			if (this.names != null && i < this.names.length) {
				context.setVariable(this.names[i], arguments[i]);
			}
			context.setVariable("p" + i, arguments[i]);
			context.setVariable("a" + i, arguments[i]);
		}
		context.setVariable("result", result);
		if (this.expressions.size() == 1) {
			return flatten(this.expressions.get(0).getValue(context));
		}
		// A composite primary key: the i-th values of the expressions are the i-th row's key.
		List<List<?>> columns = new ArrayList<>();
		for (Expression expression : this.expressions) {
			columns.add(new ArrayList<>(flatten(expression.getValue(context))));
		}
		int rows = columns.get(0).size();
		for (int c = 1; c < columns.size(); c++) {
			if (columns.get(c).size() != rows) {
				throw new IllegalStateException(this.where + ": its key " + this.sources + " gave " + rows + " value"
						+ ((rows == 1) ? "" : "s") + " for \"" + this.sources.get(0) + "\" but " + columns.get(c).size()
						+ " for \"" + this.sources.get(c) + "\": each expression of a composite key must give one value per "
						+ "written row, in the same order");
			}
		}
		List<Object[]> keys = new ArrayList<>(rows);
		for (int r = 0; r < rows; r++) {
			Object[] key = new Object[columns.size()];
			for (int c = 0; c < key.length; c++) {
				key[c] = columns.get(c).get(r);
			}
			keys.add(key);
		}
		return keys;
	}

	static Collection<?> flatten(Object value) {
		if (value == null) {
			return List.of();
		}
		if (value instanceof Collection<?> collection) {
			return collection;
		}
		if (value instanceof Iterable<?> iterable) {
			List<Object> all = new ArrayList<>();
			iterable.forEach(all::add);
			return all;
		}
		if (value.getClass().isArray()) {
			return Arrays.asList(ObjectUtils.toObjectArray(value));
		}
		return List.of(value);
	}

	@Override
	public String toString() {
		return String.join(", ", this.sources);
	}

}

package dev.zdm.spring.dualwrite;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.Expression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.ObjectUtils;

/** The {@link DualWrite#key} of a method: a SpEL expression over its arguments and {@code #result}. */
final class KeyExpression implements Binding.Keys {

	private static final SpelExpressionParser parser = new SpelExpressionParser();

	private static final ParameterNameDiscoverer names = new DefaultParameterNameDiscoverer();

	private final Expression expression;

	private final String source;

	private KeyExpression(String source) {
		this.source = source;
		this.expression = parser.parseExpression(source);
	}

	/**
	 * The expression of {@code key}.
	 * @throws IllegalArgumentException if it is not valid SpEL
	 */
	static KeyExpression parse(String key) {
		return new KeyExpression(key);
	}

	@Override
	public Collection<?> of(Method method, Object[] arguments, Object result) {
		MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(null, method, arguments, names);
		context.setVariable("result", result);
		Object value = this.expression.getValue(context);
		return flatten(value);
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
		return this.source;
	}

}

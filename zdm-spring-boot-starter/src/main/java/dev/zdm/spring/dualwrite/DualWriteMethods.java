package dev.zdm.spring.dualwrite;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.util.ReflectionUtils;

/**
 * Works out, at start-up, what each method of a {@link DualWrite} class does: syncs the keys of a SpEL
 * {@code key}, syncs the ids of saved entities, or needs nothing (reads, deletes); and refuses a class with
 * a method that writes rows whose keys cannot be known.
 */
final class DualWriteMethods {

	/** Names of methods that read (Spring Data's query prefixes and the usual getters). */
	private static final List<String> READ_PREFIXES = List.of("find", "get", "read", "query", "search", "stream",
			"count", "exists", "is", "has", "list", "load", "fetch");

	private DualWriteMethods() {
	}

	/** The annotation of {@code method} or, failing that, of its class or interfaces. */
	static DualWrite annotation(Method method, Class<?> type) {
		DualWrite onMethod = AnnotatedElementUtils.findMergedAnnotation(method, DualWrite.class);
		if (onMethod != null) {
			return onMethod;
		}
		return MergedAnnotations.from(type, SearchStrategy.TYPE_HIERARCHY).get(DualWrite.class).synthesize((a) -> a.isPresent())
			.orElse(null);
	}

	/** Whether {@code type}, or one of its methods, carries {@link DualWrite}. */
	static boolean annotated(Class<?> type) {
		if (MergedAnnotations.from(type, SearchStrategy.TYPE_HIERARCHY).isPresent(DualWrite.class)) {
			return true;
		}
		for (Method method : ReflectionUtils.getUniqueDeclaredMethods(type, ReflectionUtils.USER_DECLARED_METHODS)) {
			if (AnnotatedElementUtils.hasAnnotation(method, DualWrite.class)) {
				return true;
			}
		}
		return false;
	}

	static boolean readName(String name) {
		for (String prefix : READ_PREFIXES) {
			if (name.startsWith(prefix)
					&& (name.length() == prefix.length() || !Character.isLowerCase(name.charAt(prefix.length())))) {
				return true;
			}
		}
		return false;
	}

	/** Whether {@code annotation} gives a {@link DualWrite#key} (an empty one is none). */
	static boolean hasKey(DualWrite annotation) {
		for (String key : annotation.key()) {
			if (!key.isBlank()) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The binding of a method with a {@link DualWrite#key}.
	 * @param where the annotation's place, for messages
	 * @throws IllegalStateException if the key does not parse or names what the method does not have
	 */
	static Binding keyed(DualWrite annotation, Method method, String where) {
		return new Binding(annotation.migration(), annotation.writes(), KeyExpression.parse(annotation.key(), method,
				where));
	}

	/**
	 * The bindings of the methods of plain bean {@code beanName}: those with a key sync it, those named like a
	 * read need nothing, any other is refused.
	 * @throws IllegalStateException naming the bean, each refused method and the fix
	 */
	static Map<Method, Binding> forBean(String beanName, Class<?> type, Consumer<DualWrite> migrations) {
		Map<Method, Binding> bindings = new LinkedHashMap<>();
		List<String> refused = new ArrayList<>();
		List<String> hidden = new ArrayList<>();
		for (Method method : ReflectionUtils.getUniqueDeclaredMethods(type, ReflectionUtils.USER_DECLARED_METHODS)) {
			if (!Modifier.isPublic(method.getModifiers()) || Modifier.isStatic(method.getModifiers())
					|| method.getDeclaringClass() == Object.class) {
				if (method.getDeclaringClass() != Object.class
						&& AnnotatedElementUtils.hasAnnotation(method, DualWrite.class)) {
					hidden.add(signature(method));
				}
				continue;
			}
			DualWrite annotation = annotation(method, type);
			if (annotation == null) {
				continue;
			}
			migrations.accept(annotation);
			if (hasKey(annotation)) {
				bindings.put(method, keyed(annotation, method,
						"@DualWrite on bean '" + beanName + "' (" + type.getName() + ") method " + signature(method)));
			}
			else if (!readName(method.getName())) {
				refused.add(signature(method));
			}
		}
		if (!hidden.isEmpty()) {
			throw new IllegalStateException("@DualWrite on bean '" + beanName + "' (" + type.getName() + "): "
					+ ((hidden.size() == 1) ? "method " : "methods ") + String.join(", ", hidden) + " cannot be synced: "
					+ "zdm's proxy intercepts public instance methods only, so their writes would reach one shape alone. "
					+ "Make them public.");
		}
		if (!refused.isEmpty()) {
			throw refusal("bean '" + beanName + "' (" + type.getName() + ")", refused, "it writes with JdbcClient, "
					+ "JdbcTemplate or other code zdm cannot look into");
		}
		return bindings;
	}

	static IllegalStateException refusal(String what, List<String> methods, String why) {
		return new IllegalStateException("@DualWrite on " + what + ": zdm cannot know which rows "
				+ (methods.size() == 1 ? "method " : "methods ") + String.join(", ", methods) + " write" + (methods.size() == 1 ? "s" : "")
				+ " (" + why + "), so it could not keep their two shapes in step. Give the written rows' keys with a SpEL "
				+ "key on each such method, e.g. @DualWrite(migration = \"...\", key = \"#user.id\") (an id or a collection "
				+ "of ids, from the arguments or #result), or take the method out of the annotated type; a method that "
				+ "only reads should be named like one (find..., get..., count..., exists...).");
	}

	static String signature(Method method) {
		return method.getName() + Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName)
			.collect(Collectors.joining(", ", "(", ")"));
	}

}

package dev.zdm.spring.dualwrite;

import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Map;

import dev.zdm.core.migration.ApplicationSync;

/**
 * What a {@link DualWrite} method does: the migration, the shape it writes, and where the keys of the
 * written rows come from.
 *
 * @param migration the migration id
 * @param shape the shape the method writes
 * @param keys the keys of the rows written by one call
 * @param values the values a call of one row wrote, by column, or {@code null} when they cannot be known
 */
record Binding(String migration, ApplicationSync.Shape shape, Keys keys, Values values) {

	Binding(String migration, ApplicationSync.Shape shape, Keys keys) {
		this(migration, shape, keys, null);
	}

	/** The keys of the rows one call wrote, from its arguments and its result. */
	@FunctionalInterface
	interface Keys {

		Collection<?> of(Method method, Object[] arguments, Object result);

	}

	/** The values one call wrote into its one row, by column name, or {@code null} when unknown. */
	@FunctionalInterface
	interface Values {

		Map<String, Object> of(Object result);

	}

}

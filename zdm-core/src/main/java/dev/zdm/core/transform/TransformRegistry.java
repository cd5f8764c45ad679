package dev.zdm.core.transform;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * How the names of {@link RowTransform}s in plans resolve to instances. Given to the
 * {@code Orchestrator}; the Spring Boot starter resolves beans. A plan naming a transform this registry
 * does not know is refused at validation.
 */
public interface TransformRegistry {

	/** Knows no transform. */
	TransformRegistry NONE = of(Map.of());

	/** The transform called {@code name}, if there is one. */
	Optional<RowTransform> find(String name);

	/** The names this registry knows, for error messages. */
	Set<String> names();

	/** A registry of these transforms, by name. */
	static TransformRegistry of(Map<String, ? extends RowTransform> transforms) {
		Map<String, RowTransform> copy = Map.copyOf(new LinkedHashMap<>(transforms));
		return new TransformRegistry() {

			@Override
			public Optional<RowTransform> find(String name) {
				return Optional.ofNullable(copy.get(name));
			}

			@Override
			public Set<String> names() {
				return new TreeSet<>(copy.keySet());
			}

		};
	}

}

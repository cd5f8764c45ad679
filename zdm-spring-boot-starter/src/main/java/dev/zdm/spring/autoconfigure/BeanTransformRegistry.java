package dev.zdm.spring.autoconfigure;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import dev.zdm.core.transform.RowTransform;
import dev.zdm.core.transform.TransformRegistry;

import org.springframework.beans.factory.ListableBeanFactory;

/**
 * The application's {@link RowTransform} beans, by bean name: a plan's {@code transform: splitName} is the
 * bean {@code splitName}. Looked up when a plan needs one, so a transform may depend on beans created after
 * the orchestrator.
 */
final class BeanTransformRegistry implements TransformRegistry {

	private final ListableBeanFactory beanFactory;

	BeanTransformRegistry(ListableBeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public Optional<RowTransform> find(String name) {
		if (!this.beanFactory.containsBean(name) || !this.beanFactory.isTypeMatch(name, RowTransform.class)) {
			return Optional.empty();
		}
		return Optional.of(this.beanFactory.getBean(name, RowTransform.class));
	}

	@Override
	public Set<String> names() {
		return new TreeSet<>(Set.of(this.beanFactory.getBeanNamesForType(RowTransform.class)));
	}

}

package dev.zdm.spring.dualwrite;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.data.repository.core.EntityInformation;
import org.springframework.data.repository.core.RepositoryInformation;
import org.springframework.data.repository.core.support.RepositoryFactoryBeanSupport;
import org.springframework.data.repository.core.support.RepositoryFactoryCustomizer;
import org.springframework.data.repository.core.support.RepositoryFactorySupport;
import org.springframework.data.repository.core.support.RepositoryProxyPostProcessor;
import org.springframework.util.ClassUtils;

/**
 * {@link DualWrite} on Spring Data repositories (JDBC, JPA, any store): a {@link RepositoryFactoryCustomizer}
 * given to every repository factory bean adds a {@link RepositoryProxyPostProcessor}, which gives an
 * annotated repository's proxy the sync as its innermost advice, inside the repository's transaction. The
 * keys of {@code save*} calls are the ids of the saved entities ({@link EntityInformation#getId}).
 */
final class DualWriteRepositories implements BeanPostProcessor, RepositoryFactoryCustomizer {

	private static final boolean JDBC_PRESENT = ClassUtils.isPresent(
			"org.springframework.data.jdbc.repository.support.JdbcRepositoryFactory", DualWriteRepositories.class.getClassLoader());

	private final DualWriteSync sync;

	private final DualWriteMigrations migrations;

	private final ListableBeanFactory beanFactory;

	DualWriteRepositories(DualWriteSync sync, DualWriteMigrations migrations, ListableBeanFactory beanFactory) {
		this.sync = sync;
		this.migrations = migrations;
		this.beanFactory = beanFactory;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		// Before afterPropertiesSet, which creates the factory and applies the customizers.
		if (bean instanceof RepositoryFactoryBeanSupport<?, ?, ?> factoryBean) {
			factoryBean.addRepositoryFactoryCustomizer(this);
		}
		return bean;
	}

	@Override
	public void customize(RepositoryFactorySupport factory) {
		factory.addRepositoryProxyPostProcessor((proxy, information) -> postProcess(factory, proxy, information));
	}

	private void postProcess(RepositoryFactorySupport factory, ProxyFactory proxy, RepositoryInformation information) {
		Class<?> repository = information.getRepositoryInterface();
		if (!DualWriteMethods.annotated(repository)) {
			return;
		}
		@SuppressWarnings("unchecked")
		EntityInformation<Object, ?> entity = (EntityInformation<Object, ?>) factory.getEntityInformation(information);
		Binding.Keys savedIds = (method, arguments, result) -> ids(entity, result);
		// Spring Data JDBC's entities give the values a save wrote: the sync of one row is then one statement.
		Binding.Values savedValues = JDBC_PRESENT ? JdbcEntityColumns.of(factory, this.beanFactory) : null;
		Map<Method, Binding> bindings = new LinkedHashMap<>();
		List<String> refused = new ArrayList<>();
		for (Method method : repository.getMethods()) {
			if (method.isDefault() || method.getDeclaringClass() == Object.class) {
				// A default method writes through the repository's other methods, which sync.
				continue;
			}
			DualWrite annotation = DualWriteMethods.annotation(method, repository);
			if (annotation == null) {
				continue;
			}
			this.migrations.add(annotation);
			if (DualWriteMethods.hasKey(annotation)) {
				bindings.put(method, DualWriteMethods.keyed(annotation, method,
						"@DualWrite on repository " + repository.getName() + " method " + DualWriteMethods.signature(method)));
			}
			else if (information.isQueryMethod(method)) {
				if (modifying(method)) {
					refused.add(DualWriteMethods.signature(method));
				}
			}
			else if (information.isCustomMethod(method)) {
				if (!DualWriteMethods.readName(method.getName())) {
					refused.add(DualWriteMethods.signature(method));
				}
			}
			else if (method.getName().startsWith("save")) {
				bindings.put(method, new Binding(annotation.migration(), annotation.writes(), savedIds, savedValues));
			}
			// delete* removes both shapes of its rows; the other base methods read.
		}
		if (!refused.isEmpty()) {
			throw DualWriteMethods.refusal("repository " + repository.getName(), refused,
					"a @Modifying query or a custom implementation");
		}
		proxy.addAdvice(new DualWriteInterceptor(this.sync, repository, bindings));
	}

	private static boolean modifying(Method method) {
		for (Annotation annotation : method.getAnnotations()) {
			if (annotation.annotationType().getSimpleName().equals("Modifying")) {
				return true;
			}
		}
		return false;
	}

	private static Collection<?> ids(EntityInformation<Object, ?> entity, Object saved) {
		List<Object> ids = new ArrayList<>();
		for (Object one : KeyExpression.flatten(saved)) {
			if (one != null) {
				ids.add(entity.getId(one));
			}
		}
		return ids;
	}

}

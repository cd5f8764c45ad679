package dev.zdm.spring.dualwrite;

import java.lang.reflect.Method;
import java.util.Map;

import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.util.ClassUtils;

/**
 * Proxies the plain beans (not Spring Data repositories) that carry {@link DualWrite}, on the class or on
 * methods, so that their writes are synced; refuses, at start-up, one whose written keys cannot be known.
 * An existing AOP proxy (a {@code @Transactional} bean) gets the sync as its innermost advice, inside the
 * transaction.
 */
final class DualWriteBeanPostProcessor implements BeanPostProcessor {

	private static final String REPOSITORY = "org.springframework.data.repository.Repository";

	private final DualWriteSync sync;

	private final DualWriteMigrations migrations;

	DualWriteBeanPostProcessor(DualWriteSync sync, DualWriteMigrations migrations) {
		this.sync = sync;
		this.migrations = migrations;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> type = ClassUtils.getUserClass(AopUtils.getTargetClass(bean));
		if (repository(bean) || !DualWriteMethods.annotated(type)) {
			return bean;
		}
		Map<Method, Binding> bindings = DualWriteMethods.forBean(beanName, type, this.migrations.sink());
		DualWriteInterceptor interceptor = new DualWriteInterceptor(this.sync, type, bindings);
		if (bean instanceof Advised advised && AopUtils.isAopProxy(bean) && !advised.isFrozen()) {
			advised.addAdvice(interceptor);
			return bean;
		}
		ProxyFactory factory = new ProxyFactory(bean);
		factory.setProxyTargetClass(true);
		factory.addAdvice(interceptor);
		return factory.getProxy(ClassUtils.getDefaultClassLoader());
	}

	private static boolean repository(Object bean) {
		ClassLoader loader = bean.getClass().getClassLoader();
		if (!ClassUtils.isPresent(REPOSITORY, loader)) {
			return false;
		}
		return ClassUtils.resolveClassName(REPOSITORY, loader).isInstance(bean)
				|| bean.getClass().getName().startsWith("org.springframework.data.");
	}

}

package dev.zdm.spring.dualwrite;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;

import org.springframework.util.ClassUtils;

/**
 * Syncs the rows written by the {@link DualWrite} methods of one repository or bean; other methods run as
 * they are. The methods' bindings are worked out (and refused) at start-up.
 */
final class DualWriteInterceptor implements MethodInterceptor {

	private final DualWriteSync sync;

	private final Class<?> targetClass;

	private final Map<Method, Binding> bindings;

	private final Map<Method, Optional<Binding>> byInvokedMethod = new ConcurrentHashMap<>();

	DualWriteInterceptor(DualWriteSync sync, Class<?> targetClass, Map<Method, Binding> bindings) {
		this.sync = sync;
		this.targetClass = targetClass;
		this.bindings = Map.copyOf(bindings);
	}

	@Override
	public Object invoke(MethodInvocation invocation) throws Throwable {
		Optional<Binding> binding = this.byInvokedMethod.computeIfAbsent(invocation.getMethod(), (method) -> {
			Binding found = this.bindings.get(method);
			if (found == null) {
				found = this.bindings.get(ClassUtils.getMostSpecificMethod(method, this.targetClass));
			}
			return Optional.ofNullable(found);
		});
		if (binding.isEmpty()) {
			return invocation.proceed();
		}
		return this.sync.invoke(invocation, binding.get());
	}

}

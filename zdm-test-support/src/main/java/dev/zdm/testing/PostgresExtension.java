package dev.zdm.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test class a {@link TestDatabase} of its own on a real PostgreSQL (see {@link PostgresServer}),
 * injected into constructors, lifecycle and test methods, and dropped after the class.
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PostgresExtension.class);

	@Override
	public void beforeAll(ExtensionContext context) {
		database(context);
	}

	@Override
	public void afterAll(ExtensionContext context) {
		TestDatabase database = context.getStore(NAMESPACE).remove("database", TestDatabase.class);
		if (database != null) {
			database.close();
		}
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
			throws ParameterResolutionException {
		return parameterContext.getParameter().getType() == TestDatabase.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
			throws ParameterResolutionException {
		return database(extensionContext);
	}

	private TestDatabase database(ExtensionContext context) {
		ExtensionContext classContext = context;
		while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
			classContext = classContext.getParent().get();
		}
		return classContext.getStore(NAMESPACE).getOrComputeIfAbsent("database", (key) -> TestDatabase.create(),
				TestDatabase.class);
	}

}

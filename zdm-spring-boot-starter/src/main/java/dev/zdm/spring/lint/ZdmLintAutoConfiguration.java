package dev.zdm.spring.lint;

import javax.sql.DataSource;

import liquibase.integration.spring.SpringLiquibase;
import org.flywaydb.core.Flyway;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.ResourceLoader;

/**
 * Auto-configuration of the start-up lint of the application's own migrations: the pending changesets of
 * every {@link SpringLiquibase} bean and the pending SQL migrations of every {@link Flyway} bean are linted
 * before they run, and unsafe ones stop start-up ({@code zdm.lint.mode}).
 * <p>
 * The hook is a {@link BeanPostProcessor}, not a Liquibase customizer or a {@code FlywayMigrationStrategy}:
 * {@code SpringLiquibase} runs its changesets in its own {@code afterPropertiesSet}, so the lint runs in
 * {@code postProcessBeforeInitialization} of that bean, after every setter and customizer and before
 * anything runs, whether Boot or the application defined the bean, and however many there are. Boot's
 * Liquibase customizer is package-private in Boot 4, and a {@code FlywayMigrationStrategy} is a single bean
 * an application may define itself (Boot takes it with {@code getIfAvailable}, so a second one would break
 * start-up). Flyway runs its migrations from {@code FlywayMigrationInitializer} (or the application's
 * strategy), which needs the configured {@link Flyway} bean first: the lint runs when that bean is
 * initialized, before any of them can call {@code migrate()}.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "zdm.enabled", matchIfMissing = true)
@Conditional(ZdmLintAutoConfiguration.LintNotOffCondition.class)
public final class ZdmLintAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(SpringLiquibase.class)
	static class LiquibaseLintConfiguration {

		@Bean
		static LiquibaseLintPostProcessor zdmLiquibaseLintPostProcessor(Environment environment) {
			return new LiquibaseLintPostProcessor(StartupLint.from(environment));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Flyway.class)
	static class FlywayLintConfiguration {

		@Bean
		static FlywayLintPostProcessor zdmFlywayLintPostProcessor(Environment environment) {
			return new FlywayLintPostProcessor(StartupLint.from(environment));
		}

	}

	/** Lints a {@link SpringLiquibase}'s pending changesets before its {@code afterPropertiesSet} runs them. */
	static final class LiquibaseLintPostProcessor implements BeanPostProcessor {

		private final StartupLint lint;

		LiquibaseLintPostProcessor(StartupLint lint) {
			this.lint = lint;
		}

		@Override
		public Object postProcessBeforeInitialization(Object bean, String beanName) throws BeansException {
			if (bean instanceof SpringLiquibase liquibase) {
				this.lint.run(liquibase.getDataSource(), "Liquibase bean '" + beanName + "'",
						(options) -> LiquibaseChangelogLint.lint(liquibase, options));
			}
			return bean;
		}

	}

	/** Lints a {@link Flyway}'s pending SQL migrations once it is configured, before anything migrates with it. */
	static final class FlywayLintPostProcessor implements BeanPostProcessor, ResourceLoaderAware {

		private final StartupLint lint;

		private ResourceLoader resourceLoader = new DefaultResourceLoader();

		FlywayLintPostProcessor(StartupLint lint) {
			this.lint = lint;
		}

		@Override
		public void setResourceLoader(ResourceLoader resourceLoader) {
			this.resourceLoader = resourceLoader;
		}

		@Override
		public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
			if (bean instanceof Flyway flyway) {
				DataSource dataSource = flyway.getConfiguration().getDataSource();
				// Flyway finds its classpath: locations with its own class loader: read the scripts with it too.
				ClassLoader classLoader = flyway.getConfiguration().getClassLoader();
				ResourceLoader loader = (classLoader != null) ? new DefaultResourceLoader(classLoader) : this.resourceLoader;
				this.lint.run(dataSource, "Flyway bean '" + beanName + "'",
						(options) -> FlywayMigrationsLint.lint(flyway, options, loader));
			}
			return bean;
		}

	}

	/** Matches unless {@code zdm.lint.mode=off}. */
	static final class LintNotOffCondition extends NoneNestedConditions {

		LintNotOffCondition() {
			super(ConfigurationPhase.PARSE_CONFIGURATION);
		}

		@ConditionalOnProperty(name = "zdm.lint.mode", havingValue = "off")
		static final class Off {

		}

	}

}

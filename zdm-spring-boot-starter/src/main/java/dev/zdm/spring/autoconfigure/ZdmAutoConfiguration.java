package dev.zdm.spring.autoconfigure;

import java.util.List;

import javax.sql.DataSource;

import dev.zdm.core.backfill.BackfillSettings;
import dev.zdm.core.backfill.ThrottleSettings;
import dev.zdm.core.ddl.DdlSettings;
import dev.zdm.core.migration.MigrationListener;
import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.ZdmSettings;
import dev.zdm.core.operation.VersionSchema;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.sql.Identifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.zdm.core.transform.TransformRegistry;
import dev.zdm.spring.instance.PropertiesReadinessContributor;
import dev.zdm.spring.instance.ZdmInstanceHeartbeat;
import dev.zdm.spring.instance.ZdmReadinessContributor;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * Auto-configuration of zdm: an {@link Orchestrator} over the application's {@link DataSource} (or zdm's own:
 * {@link ZdmDataSource @ZdmDataSource}, {@code zdm.datasource.*}), settings from the {@code zdm.*} properties
 * changed by {@link ZdmCustomizer} beans, the plans of {@code zdm.locations}, and the runner that registers and
 * auto-advances them. The actuator endpoint, health contributor and meters have auto-configurations of their
 * own ({@code ZdmEndpointAutoConfiguration}, {@code ZdmHealthContributorAutoConfiguration},
 * {@code ZdmMetricsAutoConfiguration}).
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration",
		"org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration" })
@ConditionalOnClass(Orchestrator.class)
@Conditional(ZdmAutoConfiguration.ZdmDataSourceCondition.class)
@ConditionalOnProperty(prefix = "zdm", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(ZdmProperties.class)
public final class ZdmAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(ZdmAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	ZdmSettings zdmSettings(ZdmProperties properties, ObjectProvider<MigrationListener> listeners,
			ObjectProvider<ZdmCustomizer> customizers) {
		ZdmProperties.Backfill backfill = properties.getBackfill();
		ZdmProperties.Throttle throttle = backfill.getThrottle();
		MigrationListener listener = CompositeMigrationListener.of(listeners.orderedStream().toList());
		ThrottleSettings signals = new ThrottleSettings(throttle.getCheckInterval(), throttle.getMaxLockWaiters(),
				throttle.getMaxActiveSessions(), throttle.getMaxReplicationLag(), throttle.getMaxSlotLag().toBytes(),
				throttle.getMaxTransactionAge(), throttle.getMaxVacuumWait(), List.of());
		ZdmSettings settings = new ZdmSettings(Identifier.of(properties.getSchema()),
				new DdlSettings(properties.getLockTimeout(), properties.getStatementTimeout(), properties.getMaxAttempts(),
						DdlSettings.defaults().initialBackoff(), DdlSettings.defaults().maxBackoff()),
				new BackfillSettings(backfill.getBatchSize(), backfill.getMinBatchSize(), backfill.getMaxBatchSize(),
						backfill.getTargetBatchTime(), backfill.getLeaseDuration(), properties.getLockTimeout(),
						backfill.getMaxRanges(), backfill.getPause(), backfill.getParallelism(), backfill.getRowsPerRange(),
						backfill.getBatchTimeout(), backfill.getMaxRetries(), backfill.getRetryBackoff(),
						backfill.getMaxRowsPerSecond(), backfill.isFinalScan(), signals),
				(properties.getInstanceId() != null) ? properties.getInstanceId() : ZdmSettings.defaultInstanceId(),
				listener, properties.getArchive().getRetention())
			.withInstanceTimeout(properties.getInstance().getTimeout());
		for (ZdmCustomizer customizer : customizers.orderedStream().toList()) {
			settings = customizer.customize(settings);
		}
		return settings;
	}

	@Bean
	@ConditionalOnMissingBean
	Orchestrator zdmOrchestrator(ObjectProvider<DataSource> dataSource,
			@ZdmDataSource ObjectProvider<DataSource> zdmDataSource, ZdmProperties properties, ZdmSettings settings,
			ObjectProvider<TransformRegistry> transforms, ConfigurableListableBeanFactory beanFactory,
			Environment environment) {
		warnIfSettingsReplaceProperties(beanFactory, environment);
		DataSource chosen = zdmDataSource(zdmDataSource.getIfAvailable(), dataSource.getIfUnique(),
				properties.getDatasource());
		// zdm reads the catalog through the tables themselves, never through a version schema's views.
		DataSource target = (chosen instanceof SchemaVersionDataSource versioned) ? versioned.unversioned() : chosen;
		// Plans name Java transforms by bean name (transform: splitName), unless a registry bean says otherwise.
		return new Orchestrator(target, settings, transforms.getIfUnique(() -> new BeanTransformRegistry(beanFactory)));
	}

	/**
	 * The DataSource zdm works on, as Boot's Liquibase chooses its own: the {@code @ZdmDataSource} bean, else
	 * one built from {@code zdm.datasource.url} (or the application's URL with {@code zdm.datasource.username}),
	 * else the application's.
	 */
	static DataSource zdmDataSource(DataSource qualified, DataSource application, ZdmProperties.Datasource properties) {
		if (qualified != null) {
			return qualified;
		}
		if (properties.getUrl() != null) {
			DataSourceBuilder<?> builder = DataSourceBuilder.create().type(SimpleDriverDataSource.class);
			builder.url(properties.getUrl());
			return connectionDetails(builder, properties).build();
		}
		if (properties.getUsername() != null && application != null) {
			DataSource base = (application instanceof SchemaVersionDataSource versioned)
					? versioned.getTargetDataSource() : application;
			DataSourceBuilder<?> builder = DataSourceBuilder.derivedFrom(base).type(SimpleDriverDataSource.class);
			return connectionDetails(builder, properties).build();
		}
		if (application == null) {
			throw new IllegalStateException("zdm found no DataSource to use: define a single DataSource bean (or mark "
					+ "one @Primary), mark one @ZdmDataSource, or set zdm.datasource.url");
		}
		return application;
	}

	private static DataSourceBuilder<?> connectionDetails(DataSourceBuilder<?> builder,
			ZdmProperties.Datasource properties) {
		builder.username(properties.getUsername());
		builder.password(properties.getPassword());
		if (properties.getDriverClassName() != null) {
			builder.driverClassName(properties.getDriverClassName());
		}
		return builder;
	}

	/**
	 * A {@code ZdmSettings} bean of the application's replaces the one built from the {@code zdm.*}
	 * properties: say so when such properties are set, rather than ignore them silently.
	 */
	private static void warnIfSettingsReplaceProperties(ConfigurableListableBeanFactory beanFactory,
			Environment environment) {
		for (String name : beanFactory.getBeanNamesForType(ZdmSettings.class, false, false)) {
			if (!beanFactory.containsBeanDefinition(name)
					|| ZdmAutoConfiguration.class.getName().equals(beanFactory.getBeanDefinition(name).getFactoryBeanName())) {
				continue;
			}
			List<String> ignored = SETTINGS_PROPERTIES.stream()
				.filter((property) -> environment.containsProperty(property)
						|| environment.containsProperty(property.replace("-", "")))
				.toList();
			logger.warn("zdm: the application's ZdmSettings bean '{}' replaces the settings zdm builds from its "
					+ "properties, so {} ignored. Define a ZdmCustomizer bean instead to change the settings on top of "
					+ "the properties.", name, ignored.isEmpty() ? "zdm.schema, zdm.lock-timeout, zdm.backfill.* etc. are"
							: String.join(", ", ignored) + ((ignored.size() == 1) ? " is" : " are"));
		}
	}

	/** The properties {@link #zdmSettings} is built from (prefixes for nested groups). */
	private static final List<String> SETTINGS_PROPERTIES = List.of("zdm.schema", "zdm.lock-timeout",
			"zdm.statement-timeout", "zdm.max-attempts", "zdm.instance-id", "zdm.archive.retention",
			"zdm.backfill.batch-size", "zdm.backfill.min-batch-size", "zdm.backfill.max-batch-size",
			"zdm.backfill.target-batch-time", "zdm.backfill.lease-duration", "zdm.backfill.pause",
			"zdm.backfill.max-ranges", "zdm.backfill.parallelism", "zdm.backfill.rows-per-range",
			"zdm.backfill.batch-timeout", "zdm.backfill.max-retries", "zdm.backfill.retry-backoff",
			"zdm.backfill.max-rows-per-second", "zdm.backfill.final-scan", "zdm.backfill.throttle.check-interval",
			"zdm.backfill.throttle.max-lock-waiters", "zdm.backfill.throttle.max-active-sessions",
			"zdm.backfill.throttle.max-replication-lag", "zdm.backfill.throttle.max-slot-lag",
			"zdm.backfill.throttle.max-transaction-age", "zdm.backfill.throttle.max-vacuum-wait", "zdm.instance.timeout");

	@Bean
	static BeanPostProcessor zdmSchemaVersionDataSourcePostProcessor(Environment environment) {
		return new BeanPostProcessor() {
			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				String version = environment.getProperty("zdm.schema-version");
				if (bean instanceof DataSource dataSource && !(bean instanceof SchemaVersionDataSource)
						&& version != null && !version.isBlank()) {
					String problem = Plan.idProblem(version);
					if (problem != null) {
						throw new IllegalArgumentException("zdm.schema-version: " + problem);
					}
					return new SchemaVersionDataSource(dataSource, VersionSchema.name(version));
				}
				return bean;
			}
		};
	}

	@Bean
	@ConditionalOnMissingBean
	ZdmPlans zdmPlans(ResourcePatternResolver resolver, ZdmProperties properties) {
		return ZdmPlans.load(resolver, properties.getLocations());
	}

	@Bean
	@ConditionalOnMissingBean
	@DependsOnDatabaseInitialization
	ZdmMigrationRunner zdmMigrationRunner(Orchestrator orchestrator, ZdmPlans plans, ZdmProperties properties,
			ZdmInstanceHeartbeat heartbeat) {
		return new ZdmMigrationRunner(orchestrator, plans, properties.getAutoAdvance(),
				properties.getScheduler().getPoolSize(), properties.getScheduler().getShutdownMaxWait(),
				properties.getInstance().getHeartbeatInterval(), heartbeat);
	}

	@Bean
	@ConditionalOnMissingBean
	ZdmInstanceHeartbeat zdmInstanceHeartbeat(Orchestrator orchestrator, ZdmProperties properties,
			Environment environment, ObjectProvider<BuildProperties> buildProperties,
			ObjectProvider<ZdmReadinessContributor> contributors) {
		String version = properties.getInstance().getVersion();
		if (version == null || version.isBlank()) {
			version = environment.getProperty("spring.application.version");
		}
		if (version == null || version.isBlank()) {
			BuildProperties build = buildProperties.getIfAvailable();
			version = (build != null) ? build.getVersion() : null;
		}
		return new ZdmInstanceHeartbeat(orchestrator.instances(), orchestrator.settings().instanceId(), version,
				() -> contributors.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	PropertiesReadinessContributor zdmPropertiesReadinessContributor(ZdmProperties properties) {
		return new PropertiesReadinessContributor(properties.getSchemaVersion(), properties.getInstance().getReadiness());
	}

	/** Any DataSource zdm can use: a bean, or zdm.datasource.url. */
	static final class ZdmDataSourceCondition extends AnyNestedCondition {

		ZdmDataSourceCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnBean(DataSource.class)
		private static final class DataSourceBeanCondition {

		}

		@ConditionalOnProperty("zdm.datasource.url")
		private static final class ZdmUrlCondition {

		}

	}

}

package dev.zdm.spring.autoconfigure;

import javax.sql.DataSource;

import dev.zdm.core.backfill.BackfillSettings;
import dev.zdm.core.ddl.DdlSettings;
import dev.zdm.core.migration.MigrationListener;
import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.ZdmSettings;
import dev.zdm.core.operation.VersionSchema;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.sql.Identifier;
import dev.zdm.spring.actuate.ZdmEndpoint;
import dev.zdm.spring.instance.PropertiesReadinessContributor;
import dev.zdm.spring.instance.ZdmInstanceHeartbeat;
import dev.zdm.spring.instance.ZdmReadinessContributor;
import dev.zdm.spring.metrics.MicrometerMigrationListener;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.support.ResourcePatternResolver;

/**
 * Auto-configuration of zdm: an {@link Orchestrator} over the application's {@link DataSource}, the plans
 * of {@code zdm.locations}, the runner that registers and auto-advances them, and the {@code zdm}
 * actuator endpoint.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration",
		"org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration" })
@ConditionalOnClass(Orchestrator.class)
@ConditionalOnBean(DataSource.class)
@ConditionalOnProperty(prefix = "zdm", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(ZdmProperties.class)
public final class ZdmAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ZdmSettings zdmSettings(ZdmProperties properties, ObjectProvider<MigrationListener> listeners) {
		ZdmProperties.Backfill backfill = properties.getBackfill();
		MigrationListener listener = CompositeMigrationListener.of(listeners.orderedStream().toList());
		return new ZdmSettings(Identifier.of(properties.getSchema()),
				new DdlSettings(properties.getLockTimeout(), properties.getStatementTimeout(), properties.getMaxAttempts(),
						DdlSettings.defaults().initialBackoff(), DdlSettings.defaults().maxBackoff()),
				new BackfillSettings(backfill.getBatchSize(), backfill.getMinBatchSize(), backfill.getMaxBatchSize(),
						backfill.getTargetBatchTime(), backfill.getLeaseDuration(), properties.getLockTimeout(),
						backfill.getMaxRanges(), backfill.getPause()),
				(properties.getInstanceId() != null) ? properties.getInstanceId() : ZdmSettings.defaultInstanceId(),
				listener, properties.getArchive().getRetention())
			.withInstanceTimeout(properties.getInstance().getTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	Orchestrator zdmOrchestrator(DataSource dataSource, ZdmSettings settings) {
		// zdm reads the catalog through the tables themselves, never through a version schema's views.
		DataSource target = (dataSource instanceof SchemaVersionDataSource versioned) ? versioned.unversioned()
				: dataSource;
		return new Orchestrator(target, settings);
	}

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

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class ZdmMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		MicrometerMigrationListener zdmMicrometerMigrationListener(MeterRegistry registry) {
			return new MicrometerMigrationListener(registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	static class ZdmEndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint
		ZdmEndpoint zdmEndpoint(Orchestrator orchestrator, ZdmMigrationRunner runner) {
			return new ZdmEndpoint(orchestrator, runner::submit);
		}

	}

}

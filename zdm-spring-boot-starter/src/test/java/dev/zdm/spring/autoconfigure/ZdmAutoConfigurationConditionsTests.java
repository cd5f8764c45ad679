package dev.zdm.spring.autoconfigure;

import java.time.Duration;

import javax.sql.DataSource;

import dev.zdm.core.backfill.ThrottleSignal;
import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.Phase;
import dev.zdm.core.migration.ZdmSettings;
import dev.zdm.spring.actuate.ZdmEndpoint;
import dev.zdm.spring.actuate.ZdmEndpointWebExtension;
import dev.zdm.spring.actuate.ZdmHealthIndicator;
import dev.zdm.spring.metrics.MicrometerMigrationListener;
import dev.zdm.spring.metrics.ZdmDatabaseMetrics;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every condition and back-off of zdm's auto-configurations (ZdmAutoConfiguration, and the endpoint, health and
 * metrics ones), on a real PostgreSQL.
 */
@ExtendWith({ PostgresExtension.class, OutputCaptureExtension.class })
class ZdmAutoConfigurationConditionsTests {

	private final TestDatabase db;

	private final ApplicationContextRunner runner;

	ZdmAutoConfigurationConditionsTests(TestDatabase db) {
		this.db = db;
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ZdmAutoConfiguration.class, ZdmEndpointAutoConfiguration.class,
					ZdmHealthContributorAutoConfiguration.class, ZdmMetricsAutoConfiguration.class,
					EndpointAutoConfiguration.class))
			.withPropertyValues("zdm.locations=classpath:plans/ok", "zdm.auto-advance=",
					"management.endpoints.web.exposure.include=*");
	}

	@BeforeEach
	void createTable() {
		this.db.execute("DROP SCHEMA IF EXISTS zdm CASCADE", "DROP SCHEMA IF EXISTS zdm_custom CASCADE",
				"DROP TABLE IF EXISTS users CASCADE", "CREATE TABLE users (id bigint PRIMARY KEY, email text)",
				"INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 100) g");
	}

	private ApplicationContextRunner withDataSource() {
		return this.runner.withBean(DataSource.class, this.db::dataSource);
	}

	@Test
	void backsOffWithoutADataSource() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			assertThat(context).hasNotFailed()
				.doesNotHaveBean(Orchestrator.class)
				.doesNotHaveBean(ZdmEndpoint.class)
				.doesNotHaveBean(ZdmHealthIndicator.class)
				.doesNotHaveBean(MicrometerMigrationListener.class);
		});
	}

	@Test
	void backsOffWhenDisabled() {
		withDataSource().withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("zdm.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.doesNotHaveBean(Orchestrator.class)
					.doesNotHaveBean(ZdmEndpoint.class)
					.doesNotHaveBean(ZdmHealthIndicator.class)
					.doesNotHaveBean(ZdmDatabaseMetrics.class);
				assertThat(this.db.queryLong("SELECT count(*) FROM pg_namespace WHERE nspname = 'zdm'")).isZero();
			});
	}

	@Test
	void everythingIsThereWithActuatorAndMicrometer() {
		withDataSource().withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(Orchestrator.class)
				.hasSingleBean(ZdmEndpoint.class)
				.hasSingleBean(ZdmEndpointWebExtension.class)
				.hasSingleBean(ZdmHealthIndicator.class)
				.hasSingleBean(MicrometerMigrationListener.class)
				.hasSingleBean(ZdmDatabaseMetrics.class);
			assertThat(context).getBean("zdmHealthIndicator").isInstanceOf(ZdmHealthIndicator.class);
		});
	}

	@Test
	void withoutTheActuatorOnTheClassPathThereIsNoEndpointNorHealth() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ZdmAutoConfiguration.class, ZdmEndpointAutoConfiguration.class,
					ZdmHealthContributorAutoConfiguration.class, ZdmMetricsAutoConfiguration.class))
			.withPropertyValues("zdm.locations=classpath:plans/ok", "zdm.auto-advance=")
			.withBean(DataSource.class, this.db::dataSource)
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate", "org.springframework.boot.health"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(Orchestrator.class)
				.doesNotHaveBean(ZdmEndpoint.class)
				.doesNotHaveBean(ZdmHealthIndicator.class));
	}

	@Test
	void withoutBootHealthThereIsTheEndpointButNoHealthContributor() {
		withDataSource().withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(ZdmEndpoint.class)
				.doesNotHaveBean(ZdmHealthIndicator.class));
	}

	@Test
	void theHealthContributorCanBeTurnedOff() {
		withDataSource().withPropertyValues("management.health.zdm.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ZdmHealthIndicator.class));
	}

	@Test
	void theEndpointIsNotThereWhenNotExposed() {
		withDataSource().withPropertyValues("management.endpoints.web.exposure.include=health")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(Orchestrator.class)
				.doesNotHaveBean(ZdmEndpoint.class));
	}

	@Test
	void withoutMicrometerThereAreNoMeters() {
		withDataSource().withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(Orchestrator.class)
				.doesNotHaveBean(MicrometerMigrationListener.class)
				.doesNotHaveBean(ZdmDatabaseMetrics.class));
	}

	@Test
	void withMicrometerButNoMeterRegistryThereAreNoMeters() {
		withDataSource().run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(MicrometerMigrationListener.class);
			assertThat(context.getBean(ZdmSettings.class).backfill().throttle().signals()).isEmpty();
		});
	}

	@Test
	void userBeansWin() {
		withDataSource().withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withUserConfiguration(UserBeans.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeansOfType(ZdmEndpoint.class)).containsOnlyKeys("userZdmEndpoint");
				assertThat(context.getBeansOfType(ZdmHealthIndicator.class)).containsOnlyKeys("zdmHealthIndicator");
				assertThat(context.getBean(ZdmHealthIndicator.class).health().getStatus().getCode()).isEqualTo("UP");
				assertThat(context.getBeansOfType(MicrometerMigrationListener.class)).containsOnlyKeys("userListener");
				assertThat(context.getBeansOfType(Orchestrator.class)).containsOnlyKeys("zdmOrchestrator");
			});
	}

	@Test
	void propertiesReachTheSettingsAndCustomizersChangeThemAfterwards() {
		withDataSource()
			.withPropertyValues("zdm.schema=zdm_custom", "zdm.backfill.parallelism=3", "zdm.backfill.rows-per-range=5000",
					"zdm.backfill.batch-timeout=7s", "zdm.backfill.max-retries=2", "zdm.backfill.retry-backoff=50ms",
					"zdm.backfill.max-rows-per-second=900", "zdm.backfill.final-scan=true",
					"zdm.backfill.throttle.check-interval=250ms", "zdm.backfill.throttle.max-lock-waiters=7",
					"zdm.backfill.throttle.max-active-sessions=9", "zdm.backfill.throttle.max-replication-lag=3s",
					"zdm.backfill.throttle.max-slot-lag=10MB", "zdm.backfill.throttle.max-transaction-age=2m",
					"zdm.backfill.throttle.max-vacuum-wait=90s")
			.withBean("pauseCustomizer", ZdmCustomizer.class,
					() -> (settings) -> settings.withBackfill(settings.backfill().withPause(Duration.ofMillis(30))))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ZdmSettings settings = context.getBean(ZdmSettings.class);
				assertThat(settings.schema().name()).isEqualTo("zdm_custom");
				assertThat(settings.backfill().pause()).isEqualTo(Duration.ofMillis(30));
				assertThat(settings.backfill().parallelism()).isEqualTo(3);
				assertThat(settings.backfill().rowsPerRange()).isEqualTo(5000);
				assertThat(settings.backfill().batchTimeout()).isEqualTo(Duration.ofSeconds(7));
				assertThat(settings.backfill().maxRetries()).isEqualTo(2);
				assertThat(settings.backfill().retryBackoff()).isEqualTo(Duration.ofMillis(50));
				assertThat(settings.backfill().maxRowsPerSecond()).isEqualTo(900);
				assertThat(settings.backfill().finalScan()).isTrue();
				assertThat(settings.backfill().throttle().checkInterval()).isEqualTo(Duration.ofMillis(250));
				assertThat(settings.backfill().throttle().maxLockWaiters()).isEqualTo(7);
				assertThat(settings.backfill().throttle().maxActiveSessions()).isEqualTo(9);
				assertThat(settings.backfill().throttle().maxReplicationLag()).isEqualTo(Duration.ofSeconds(3));
				assertThat(settings.backfill().throttle().maxSlotLagBytes()).isEqualTo(DataSize.ofMegabytes(10).toBytes());
				assertThat(settings.backfill().throttle().maxTransactionAge()).isEqualTo(Duration.ofMinutes(2));
				assertThat(settings.backfill().throttle().maxVacuumWait()).isEqualTo(Duration.ofSeconds(90));
				// The orchestrator runs on the customized settings: its state is in the schema of the property.
				assertThat(context.getBean(Orchestrator.class).settings()).isSameAs(settings);
				assertThat(this.db.queryLong("SELECT count(*) FROM zdm_custom.zdm_migration")).isOne();
			});
	}

	@Test
	void aUserSettingsBeanReplacesThePropertiesAndSaysSo(CapturedOutput output) {
		withDataSource().withPropertyValues("zdm.lock-timeout=3s")
			.withBean(ZdmSettings.class, () -> ZdmSettings.defaults().withInstanceId("mine"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(Orchestrator.class).settings().instanceId()).isEqualTo("mine");
				assertThat(output).contains("replaces the settings zdm builds from its properties, so zdm.lock-timeout is "
						+ "ignored. Define a ZdmCustomizer bean instead");
			});
	}

	@Test
	void theRequestLatencySignalIsAddedWithAMeterRegistryUnlessTurnedOff() {
		withDataSource().withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> assertThat(context.getBean(ZdmSettings.class).backfill().throttle().signals())
				.extracting(ThrottleSignal::name)
				.containsExactly("request-latency"));
		withDataSource().withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("zdm.backfill.throttle.max-request-latency=0")
			.run((context) -> assertThat(context.getBean(ZdmSettings.class).backfill().throttle().signals()).isEmpty());
	}

	@Test
	void aZdmDataSourceBeanIsUsedInsteadOfTheApplications() {
		try (TestDatabase app = TestDatabase.create()) {
			this.runner
				.withBean("applicationDataSource", DataSource.class, app::dataSource, (definition) -> definition.setPrimary(true))
				.withBean("zdmOwnDataSource", DataSource.class, this.db::dataSource,
						(definition) -> ((AbstractBeanDefinition) definition)
							.addQualifier(new AutowireCandidateQualifier(ZdmDataSource.class)))
				.run((context) -> {
					assertThat(context).hasNotFailed();
					assertThat(context.getBean(Orchestrator.class).status("rename-users-email").phase())
						.isEqualTo(Phase.PENDING);
					assertThat(this.db.queryLong("SELECT count(*) FROM zdm.zdm_migration")).isOne();
					assertThat(app.queryLong("SELECT count(*) FROM pg_namespace WHERE nspname = 'zdm'")).isZero();
				});
		}
	}

	@Test
	void zdmDatasourcePropertiesAreUsedInsteadOfTheApplications() {
		try (TestDatabase app = TestDatabase.create()) {
			this.runner.withBean(DataSource.class, app::dataSource)
				.withPropertyValues("zdm.datasource.url=" + this.db.jdbcUrl(), "zdm.datasource.username=" + this.db.user(),
						"zdm.datasource.password=" + this.db.password())
				.run((context) -> {
					assertThat(context).hasNotFailed();
					assertThat(this.db.queryLong("SELECT count(*) FROM zdm.zdm_migration")).isOne();
					assertThat(app.queryLong("SELECT count(*) FROM pg_namespace WHERE nspname = 'zdm'")).isZero();
				});
		}
	}

	@Test
	void zdmDatasourceUrlAloneIsEnoughWithoutAnApplicationDataSource() {
		this.runner.withPropertyValues("zdm.datasource.url=" + this.db.jdbcUrl(),
				"zdm.datasource.username=" + this.db.user(), "zdm.datasource.password=" + this.db.password())
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(Orchestrator.class);
				assertThat(this.db.queryLong("SELECT count(*) FROM zdm.zdm_migration")).isOne();
			});
	}

	@Test
	void theListSaysWhetherActionsAreEnabled() {
		withDataSource().run((context) -> {
			ZdmEndpoint.ActionsDescriptor actions = context.getBean(ZdmEndpoint.class).migrations().actions();
			assertThat(actions.enabled()).isFalse();
			assertThat(actions.access()).isEqualTo(Access.READ_ONLY);
			assertThat(actions.hint()).contains("405").contains("management.endpoint.zdm.access=unrestricted");
		});
		withDataSource().withPropertyValues("management.endpoint.zdm.access=UNRESTRICTED").run((context) -> {
			ZdmEndpoint.ActionsDescriptor actions = context.getBean(ZdmEndpoint.class).migrations().actions();
			assertThat(actions.enabled()).isTrue();
			assertThat(actions.names()).containsExactly("advance", "pause", "resume", "cancel", "rollback", "retry",
					"restart", "undo");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		@Bean
		ZdmEndpoint userZdmEndpoint(Orchestrator orchestrator) {
			return new ZdmEndpoint(orchestrator, Runnable::run);
		}

		@Bean
		ZdmHealthIndicator zdmHealthIndicator(Orchestrator orchestrator) {
			return new ZdmHealthIndicator(orchestrator, Duration.ofHours(1), true);
		}

		@Bean
		MicrometerMigrationListener userListener() {
			return new MicrometerMigrationListener(new SimpleMeterRegistry());
		}

	}

}

package dev.zdm.spring.autoconfigure;

import java.time.Duration;

import dev.zdm.core.migration.Orchestrator;
import dev.zdm.spring.metrics.MicrometerMigrationListener;
import dev.zdm.spring.metrics.RequestLatencySignal;
import dev.zdm.spring.metrics.ZdmDatabaseMetrics;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of zdm's Micrometer meters, when Micrometer is on the class path and there is a
 * {@link MeterRegistry}: the meters of what this instance does ({@link MicrometerMigrationListener}), the gauges
 * read from the database ({@link ZdmDatabaseMetrics}), and the application's request latency as a backfill
 * throttle signal ({@link RequestLatencySignal}, {@code zdm.backfill.throttle.max-request-latency}).
 */
@AutoConfiguration(after = ZdmAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, Orchestrator.class })
public final class ZdmMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MicrometerMigrationListener zdmMicrometerMigrationListener(MeterRegistry registry) {
		return new MicrometerMigrationListener(registry);
	}

	@Bean
	@ConditionalOnMissingBean
	ZdmDatabaseMetrics zdmDatabaseMetrics(Orchestrator orchestrator, MicrometerMigrationListener listener,
			MeterRegistry registry, ZdmProperties properties) {
		ZdmDatabaseMetrics metrics = new ZdmDatabaseMetrics(orchestrator, listener,
				properties.getMetrics().getRefreshInterval());
		metrics.bindTo(registry);
		return metrics;
	}

	@Bean
	@ConditionalOnMissingBean(name = "zdmRequestLatencyCustomizer")
	ZdmCustomizer zdmRequestLatencyCustomizer(MeterRegistry registry, ZdmProperties properties) {
		ZdmProperties.Throttle throttle = properties.getBackfill().getThrottle();
		Duration max = throttle.getMaxRequestLatency();
		return (settings) -> (max == null || max.isZero()) ? settings
				: settings.withBackfill(settings.backfill()
					.withThrottle(settings.backfill().throttle().withSignal(
							new RequestLatencySignal(registry, max, throttle.getRequestLatencyWindow()))));
	}

}

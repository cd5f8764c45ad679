package dev.zdm.spring.autoconfigure;

import dev.zdm.core.migration.Orchestrator;
import dev.zdm.spring.actuate.ZdmHealthIndicator;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the {@code zdm} health contributor ({@link ZdmHealthIndicator}), when Boot's health
 * support is on the class path and {@code management.health.zdm.enabled} is not {@code false}.
 */
@AutoConfiguration(after = ZdmAutoConfiguration.class)
@ConditionalOnClass({ ZdmHealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
public final class ZdmHealthContributorAutoConfiguration {

	// Nested, so that Boot's health conditions are read only once the class condition found Boot's health support.
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(Orchestrator.class)
	@ConditionalOnEnabledHealthIndicator("zdm")
	static class ZdmHealthIndicatorConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = { "zdmHealthIndicator", "zdmHealthContributor" })
		ZdmHealthIndicator zdmHealthIndicator(Orchestrator orchestrator, ZdmProperties properties) {
			return new ZdmHealthIndicator(orchestrator, properties.getHealth().getStalledAfter(),
					properties.getHealth().isDownOnFailure());
		}

	}

}

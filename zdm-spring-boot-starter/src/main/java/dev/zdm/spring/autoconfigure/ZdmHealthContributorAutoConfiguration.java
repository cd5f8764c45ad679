package dev.zdm.spring.autoconfigure;

import dev.zdm.core.migration.Orchestrator;
import dev.zdm.spring.actuate.ZdmHealthIndicator;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code zdm} health contributor ({@link ZdmHealthIndicator}), when Boot's health
 * support is on the class path and {@code management.health.zdm.enabled} is not {@code false}.
 */
@AutoConfiguration(after = ZdmAutoConfiguration.class)
@ConditionalOnClass({ ZdmHealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(Orchestrator.class)
@ConditionalOnEnabledHealthIndicator("zdm")
public final class ZdmHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = { "zdmHealthIndicator", "zdmHealthContributor" })
	ZdmHealthIndicator zdmHealthIndicator(Orchestrator orchestrator, ZdmProperties properties) {
		return new ZdmHealthIndicator(orchestrator, properties.getHealth().getStalledAfter(),
				properties.getHealth().isDownOnFailure());
	}

}

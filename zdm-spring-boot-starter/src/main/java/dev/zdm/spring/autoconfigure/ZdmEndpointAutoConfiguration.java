package dev.zdm.spring.autoconfigure;

import dev.zdm.core.migration.Orchestrator;
import dev.zdm.spring.actuate.ZdmEndpoint;
import dev.zdm.spring.actuate.ZdmEndpointWebExtension;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the {@code zdm} actuator endpoint ({@link ZdmEndpoint}) and its web extension, when
 * the actuator is on the class path and the endpoint is available (read-only by default:
 * {@code management.endpoint.zdm.access=unrestricted} enables its actions).
 */
@AutoConfiguration(after = ZdmAutoConfiguration.class,
		afterName = "org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration")
@ConditionalOnClass({ Endpoint.class, ZdmEndpoint.class, ConditionalOnAvailableEndpoint.class })
public final class ZdmEndpointAutoConfiguration {

	// Nested, so that the actuator's own conditions are read only once the class condition found the actuator.
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnAvailableEndpoint(ZdmEndpoint.class)
	static class ZdmEndpointConfiguration {

		@Bean
		@ConditionalOnBean(Orchestrator.class)
		@ConditionalOnMissingBean
		ZdmEndpoint zdmEndpoint(Orchestrator orchestrator, ObjectProvider<ZdmMigrationRunner> runner,
				ObjectProvider<EndpointAccessResolver> accessResolver) {
			ZdmMigrationRunner background = runner.getIfAvailable();
			EndpointAccessResolver resolver = accessResolver.getIfAvailable();
			Access access = (resolver != null) ? resolver.accessFor(EndpointId.of("zdm"), Access.READ_ONLY) : null;
			return new ZdmEndpoint(orchestrator, (background != null) ? background::submit : Runnable::run, access);
		}

		@Bean
		@ConditionalOnBean(ZdmEndpoint.class)
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
		ZdmEndpointWebExtension zdmEndpointWebExtension(ZdmEndpoint endpoint) {
			return new ZdmEndpointWebExtension(endpoint);
		}

	}

}

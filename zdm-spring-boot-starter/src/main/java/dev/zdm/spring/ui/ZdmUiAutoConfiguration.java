package dev.zdm.spring.ui;

import dev.zdm.spring.actuate.ZdmEndpoint;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.actuate.endpoint.web.PathMapper;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Auto-configuration of the status page ({@link ZdmUiEndpoint}): opt-in with {@code zdm.ui.enabled=true}, in a
 * web application whose {@code zdm} endpoint is available, when the page itself is exposed on the web
 * ({@code management.endpoints.web.exposure.include=zdm,zdm-ui}) and its access is not {@code none}.
 */
@AutoConfiguration(afterName = { "dev.zdm.spring.autoconfigure.ZdmAutoConfiguration",
		"dev.zdm.spring.autoconfigure.ZdmEndpointAutoConfiguration" })
@ConditionalOnClass({ ZdmEndpoint.class, ConditionalOnAvailableEndpoint.class, PathMappedEndpoints.class })
@ConditionalOnWebApplication
@ConditionalOnBooleanProperty("zdm.ui.enabled")
@EnableConfigurationProperties(ZdmUiProperties.class)
public final class ZdmUiAutoConfiguration {

	static final EndpointId ID = EndpointId.of("zdmui");

	static final String PATH = "zdm-ui";

	// Its own class: the actuator's conditions are read only once the actuator is known to be there.
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(ZdmEndpoint.class)
	@ConditionalOnAvailableEndpoint(endpoint = ZdmUiEndpoint.class, exposure = EndpointExposure.WEB)
	static class ZdmUiEndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ZdmUiEndpoint zdmUiEndpoint(ZdmUiProperties properties, ObjectProvider<PathMappedEndpoints> endpoints) {
			// Read on the first request: the paths are known once every endpoint is, this one included.
			return new ZdmUiEndpoint(properties, () -> zdmPathFromPage(endpoints.getIfAvailable()));
		}

		/** Serves the page at {@code zdm-ui}; {@code management.endpoints.web.path-mapping.zdm-ui} still wins. */
		@Bean
		static PathMapper zdmUiPathMapper() {
			return new ZdmUiPathMapper();
		}

	}

	/**
	 * The path of the {@code zdm} endpoint relative to the page, so that the page works under any management
	 * base path, port or proxy prefix: {@code zdm} when both sit under the base path as usual.
	 */
	static String zdmPathFromPage(PathMappedEndpoints endpoints) {
		if (endpoints == null) {
			return "zdm";
		}
		String page = endpoints.getRootPath(ID);
		String zdm = endpoints.getRootPath(EndpointId.of("zdm"));
		if (page == null || zdm == null) {
			return "zdm";
		}
		String[] pageSegments = trim(page).split("/");
		StringBuilder relative = new StringBuilder();
		for (int i = 1; i < pageSegments.length; i++) {
			relative.append("../");
		}
		return relative.append(trim(zdm)).toString();
	}

	private static String trim(String path) {
		String trimmed = path;
		while (trimmed.startsWith("/")) {
			trimmed = trimmed.substring(1);
		}
		while (trimmed.endsWith("/")) {
			trimmed = trimmed.substring(0, trimmed.length() - 1);
		}
		return trimmed;
	}

	static final class ZdmUiPathMapper implements PathMapper, Ordered {

		@Override
		public String getRootPath(EndpointId endpointId) {
			return ID.equals(endpointId) ? PATH : null;
		}

		@Override
		public int getOrder() {
			return Ordered.LOWEST_PRECEDENCE;
		}

	}

}

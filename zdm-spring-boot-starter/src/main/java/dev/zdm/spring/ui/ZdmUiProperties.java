package dev.zdm.spring.ui;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the status page ({@code zdm.ui.*}).
 */
@ConfigurationProperties("zdm.ui")
public class ZdmUiProperties {

	/**
	 * Whether the status page is served at {@code /actuator/zdm-ui}. It must also be exposed
	 * ({@code management.endpoints.web.exposure.include=zdm,zdm-ui}), and reads the {@code zdm} endpoint.
	 */
	private boolean enabled;

	/** How often the page reads the {@code zdm} endpoint again. */
	private Duration refreshInterval = Duration.ofSeconds(2);

	/** How many of a migration's most recent events the page lists. */
	private int events = 10;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getRefreshInterval() {
		return this.refreshInterval;
	}

	public void setRefreshInterval(Duration refreshInterval) {
		this.refreshInterval = refreshInterval;
	}

	public int getEvents() {
		return this.events;
	}

	public void setEvents(int events) {
		this.events = events;
	}

}

package dev.zdm.spring.instance;

import java.util.Map;

import dev.zdm.core.instance.Readiness;

/**
 * A bean that tells, per migration id, what this application instance is ready for. The instance's
 * heartbeat publishes, for each migration, the highest level any contributor reports (properties,
 * {@code zdm.schema-version} and {@code @DualWrite} annotations each contribute).
 */
@FunctionalInterface
public interface ZdmReadinessContributor {

	/** The readiness this contributor knows of, keyed by migration id; migrations it does not know are absent. */
	Map<String, Readiness> readiness();

}

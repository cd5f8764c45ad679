package dev.zdm.spring.dualwrite;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import dev.zdm.core.instance.Readiness;
import dev.zdm.spring.instance.ZdmReadinessContributor;

/**
 * The migrations named by the {@link DualWrite} annotations of the application's repositories and beans,
 * found as they are created: this instance syncs both shapes of each ({@link Readiness#SYNCS_BOTH}).
 */
public final class DualWriteMigrations implements ZdmReadinessContributor {

	private final Set<String> migrations = ConcurrentHashMap.newKeySet();

	void add(String migration) {
		this.migrations.add(migration);
	}

	Set<String> sink() {
		return this.migrations;
	}

	@Override
	public Map<String, Readiness> readiness() {
		Map<String, Readiness> readiness = new TreeMap<>();
		this.migrations.forEach((migration) -> readiness.put(migration, Readiness.SYNCS_BOTH));
		return readiness;
	}

}

package dev.zdm.spring.instance;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.zdm.core.instance.Readiness;

/**
 * The readiness the application's properties declare: {@code zdm.schema-version: <id>} reads the new shape
 * of migration {@code <id>} ({@link Readiness#READS_NEW}); {@code zdm.instance.readiness.<id>} names a level
 * for any migration. Where both name one migration, the higher level counts.
 */
public final class PropertiesReadinessContributor implements ZdmReadinessContributor {

	private final Map<String, Readiness> readiness;

	/**
	 * @param schemaVersion {@code zdm.schema-version}, or {@code null}
	 * @param declared {@code zdm.instance.readiness}
	 */
	public PropertiesReadinessContributor(String schemaVersion, Map<String, Readiness> declared) {
		Map<String, Readiness> readiness = new LinkedHashMap<>();
		if (declared != null) {
			declared.forEach((id, level) -> {
				if (level != null) {
					readiness.put(id, level);
				}
			});
		}
		if (schemaVersion != null && !schemaVersion.isBlank()) {
			readiness.merge(schemaVersion.strip(), Readiness.READS_NEW, ZdmInstanceHeartbeat::highest);
		}
		this.readiness = Map.copyOf(readiness);
	}

	@Override
	public Map<String, Readiness> readiness() {
		return this.readiness;
	}

}

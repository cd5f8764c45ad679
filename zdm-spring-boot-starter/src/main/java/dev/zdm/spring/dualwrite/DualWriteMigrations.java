package dev.zdm.spring.dualwrite;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import dev.zdm.core.instance.Readiness;
import dev.zdm.core.migration.ApplicationSync;
import dev.zdm.core.plan.Plan;
import dev.zdm.spring.autoconfigure.ZdmPlans;
import dev.zdm.spring.instance.ZdmReadinessContributor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * The migrations named by the {@link DualWrite} annotations of the application's repositories and beans,
 * found as they are created: this instance syncs both shapes of each ({@link Readiness#SYNCS_BOTH}), and where
 * its code writes the new shape ({@code writes = NEW}) it is written for the new shape
 * ({@link Readiness#READS_NEW}: the contract gate lets it stay).
 */
public final class DualWriteMigrations implements ZdmReadinessContributor, SmartInitializingSingleton, BeanFactoryAware {

	private static final Log logger = LogFactory.getLog(DualWriteMigrations.class);

	private final Map<String, Readiness> migrations = new ConcurrentHashMap<>();

	private BeanFactory beanFactory;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	/**
	 * Warns about an annotation naming a migration of which the application has no plan: a typo would leave
	 * its writes unsynced (verification would find them later).
	 */
	@Override
	public void afterSingletonsInstantiated() {
		ZdmPlans plans = (this.beanFactory != null) ? this.beanFactory.getBeanProvider(ZdmPlans.class).getIfAvailable()
				: null;
		if (plans == null) {
			return;
		}
		Set<String> known = plans.plans().stream().map(Plan::id).collect(Collectors.toSet());
		new TreeSet<>(this.migrations.keySet()).stream().filter((migration) -> !known.contains(migration))
			.forEach((migration) -> logger.warn("@DualWrite(migration = \"" + migration + "\") names a migration of "
					+ "which the application has no plan in zdm.locations (it has " + new TreeSet<>(known) + "): its writes "
					+ "are synced only if that migration is started by other means. Fix the name if it is a typo; remove the "
					+ "annotation once the migration is COMPLETED."));
	}

	void add(DualWrite annotation) {
		Readiness readiness = (annotation.writes() == ApplicationSync.Shape.NEW) ? Readiness.READS_NEW
				: Readiness.SYNCS_BOTH;
		this.migrations.merge(annotation.migration(), readiness,
				(a, b) -> (a.compareTo(b) <= 0) ? a : b);
	}

	Consumer<DualWrite> sink() {
		return this::add;
	}

	@Override
	public Map<String, Readiness> readiness() {
		Map<String, Readiness> readiness = new TreeMap<>();
		readiness.putAll(this.migrations);
		return readiness;
	}

}

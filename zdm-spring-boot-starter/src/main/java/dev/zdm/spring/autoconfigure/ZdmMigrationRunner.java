package dev.zdm.spring.autoconfigure;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.zdm.core.migration.MigrationBusyException;
import dev.zdm.core.migration.MigrationStatus;
import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.Phase;
import dev.zdm.core.plan.Plan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/**
 * Installs zdm's state schema and registers the plans when the context starts (a plan that does not fit
 * the database fails start-up, before any DDL), then advances migrations through the phases of
 * {@code zdm.auto-advance} in the background once the application is ready. Long-running phases requested
 * through the actuator endpoint run here too.
 */
public class ZdmMigrationRunner implements InitializingBean, ApplicationListener<ApplicationReadyEvent>, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(ZdmMigrationRunner.class);

	private final Orchestrator orchestrator;

	private final ZdmPlans plans;

	private final Set<Phase> autoAdvance;

	/** How long an instance waits before trying again when another instance is running a phase. */
	static final Duration BUSY_RETRY = Duration.ofSeconds(5);

	/** How often expired archives of dropped columns are looked for, after the first time at startup. */
	static final Duration ARCHIVE_EXPIRY_INTERVAL = Duration.ofHours(1);

	private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "zdm-migrations");
		thread.setDaemon(true);
		return thread;
	});

	public ZdmMigrationRunner(Orchestrator orchestrator, ZdmPlans plans, Set<Phase> autoAdvance) {
		this.orchestrator = orchestrator;
		this.plans = plans;
		this.autoAdvance = Set.copyOf(autoAdvance);
	}

	@Override
	public void afterPropertiesSet() {
		this.orchestrator.install();
		for (Plan plan : this.plans.plans()) {
			MigrationStatus status = this.orchestrator.start(plan);
			logger.info("zdm: migration {} is {}", plan.id(), status.phase());
		}
		this.executor.scheduleWithFixedDelay(this::expireArchives, 0, ARCHIVE_EXPIRY_INTERVAL.toMillis(),
				TimeUnit.MILLISECONDS);
	}

	/** Deletes the archives of dropped columns kept longer than {@code zdm.archive.retention}. */
	private void expireArchives() {
		try {
			int deleted = this.orchestrator.expireArchives();
			if (deleted > 0) {
				logger.info("zdm: deleted {} expired archive{} of dropped columns", deleted, (deleted > 1) ? "s" : "");
			}
		}
		catch (RuntimeException ex) {
			logger.warn("zdm: could not delete expired archives: {}", ex.getMessage());
		}
	}

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		if (!this.autoAdvance.isEmpty()) {
			for (Plan plan : this.plans.plans()) {
				this.executor.submit(() -> autoAdvance(plan.id()));
			}
		}
	}

	private void autoAdvance(String id) {
		try {
			Phase phase = this.orchestrator.status(id).phase();
			while (phase.advancesTo() != null && this.autoAdvance.contains(phase.advancesTo())) {
				phase = this.orchestrator.advance(id).phase();
			}
		}
		catch (MigrationBusyException ex) {
			// Another instance runs this phase; come back to join its backfill or take the next phase.
			logger.info("zdm: migration {} is busy on another instance; trying again in {} s", id, BUSY_RETRY.toSeconds());
			this.executor.schedule(() -> autoAdvance(id), BUSY_RETRY.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RuntimeException ex) {
			logger.error("zdm: migration {} stopped: {}", id, ex.getMessage());
		}
	}

	/** Runs {@code task} on zdm's background thread. */
	public Future<?> submit(Runnable task) {
		return this.executor.submit(() -> {
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				logger.error("zdm: {}", ex.getMessage());
			}
		});
	}

	@Override
	public void destroy() throws InterruptedException {
		this.executor.shutdownNow();
		this.executor.awaitTermination(10, TimeUnit.SECONDS);
	}

}

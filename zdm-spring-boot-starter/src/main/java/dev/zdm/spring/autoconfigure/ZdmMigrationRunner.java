package dev.zdm.spring.autoconfigure;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.zdm.core.migration.MigrationBusyException;
import dev.zdm.core.migration.MigrationGateException;
import dev.zdm.core.migration.MigrationPausedException;
import dev.zdm.core.migration.MigrationStatus;
import dev.zdm.core.migration.MigrationStoppedException;
import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.Phase;
import dev.zdm.core.plan.Plan;
import dev.zdm.spring.instance.ZdmInstanceHeartbeat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

/**
 * zdm's scheduler. Installs zdm's state schema and registers the plans when the context starts (a plan that
 * does not fit the database fails start-up, before any DDL); while the context runs, sends this instance's
 * heartbeats and advances migrations through the phases of {@code zdm.auto-advance} once the application is
 * ready, several at once on a bounded pool ({@code zdm.scheduler.pool-size}), each migration on one thread at a
 * time. Actions requested through the actuator endpoint ({@link #submit}) run on threads of their own, never
 * queued behind a backfill.
 * <p>
 * On stop (a graceful shutdown, a rolling restart), backfills stop after their batch in flight and give their
 * ranges to the other instances at once; the scheduler waits up to {@code zdm.scheduler.shutdown-max-wait}
 * for its work to end, then leaves the instance registry. A stop is never recorded as a migration error.
 */
public class ZdmMigrationRunner
		implements InitializingBean, SmartLifecycle, ApplicationListener<ApplicationReadyEvent>, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(ZdmMigrationRunner.class);

	/** How long an instance waits before trying again when another instance is running a phase. */
	static final Duration BUSY_RETRY = Duration.ofSeconds(5);

	/**
	 * How long an automatic advance refused by a gate waits before it asks again (instances drop out or report
	 * new readiness meanwhile).
	 */
	static final Duration GATE_RETRY = Duration.ofSeconds(30);

	/** How often expired archives of dropped columns are looked for, after the first time at startup. */
	static final Duration ARCHIVE_EXPIRY_INTERVAL = Duration.ofHours(1);

	private final Orchestrator orchestrator;

	private final ZdmPlans plans;

	private final Set<Phase> autoAdvance;

	private final int poolSize;

	private final Duration shutdownMaxWait;

	private final Duration heartbeatInterval;

	private final ZdmInstanceHeartbeat heartbeat;

	/** The migrations with an automatic advance queued or running here: one at a time per migration. */
	private final Set<String> advancing = ConcurrentHashMap.newKeySet();

	private final Object lifecycle = new Object();

	/** Automatic advances: the bounded pool. */
	private volatile ThreadPoolExecutor workers;

	/** Requested actions: a thread each, so they never wait for a backfill. */
	private volatile ExecutorService requests;

	/** Heartbeats and delays: short work only, so a full pool never delays a heartbeat. */
	private volatile ScheduledExecutorService timer;

	private volatile boolean running;

	/** A scheduler with the default pool, shutdown wait and no instance heartbeat. */
	public ZdmMigrationRunner(Orchestrator orchestrator, ZdmPlans plans, Set<Phase> autoAdvance) {
		this(orchestrator, plans, autoAdvance, 2, Duration.ofSeconds(30), Duration.ofSeconds(10), null);
	}

	/**
	 * @param poolSize how many migrations advance by themselves at once
	 * @param shutdownMaxWait how long a stop waits for running work
	 * @param heartbeatInterval how often the heartbeat is sent
	 * @param heartbeat this instance's heartbeat, or {@code null} to send none
	 */
	public ZdmMigrationRunner(Orchestrator orchestrator, ZdmPlans plans, Set<Phase> autoAdvance, int poolSize,
			Duration shutdownMaxWait, Duration heartbeatInterval, ZdmInstanceHeartbeat heartbeat) {
		if (poolSize < 1) {
			throw new IllegalArgumentException("zdm.scheduler.pool-size must be at least 1, not " + poolSize);
		}
		if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
			throw new IllegalArgumentException("zdm.instance.heartbeat-interval must be positive");
		}
		this.orchestrator = orchestrator;
		this.plans = plans;
		this.autoAdvance = Set.copyOf(autoAdvance);
		this.poolSize = poolSize;
		this.shutdownMaxWait = shutdownMaxWait;
		this.heartbeatInterval = heartbeatInterval;
		this.heartbeat = heartbeat;
	}

	@Override
	public void afterPropertiesSet() {
		this.orchestrator.install();
		for (Plan plan : this.plans.plans()) {
			MigrationStatus status = this.orchestrator.start(plan);
			logger.info("zdm: migration {} is {}", plan.id(), status.phase());
		}
	}

	@Override
	public void start() {
		synchronized (this.lifecycle) {
			if (this.running) {
				return;
			}
			this.orchestrator.resumeAfterStop();
			this.workers = new ThreadPoolExecutor(this.poolSize, this.poolSize, 60, TimeUnit.SECONDS,
					new LinkedBlockingQueue<>(), threads("zdm-scheduler-"));
			this.workers.allowCoreThreadTimeOut(true);
			this.requests = Executors.newCachedThreadPool(threads("zdm-request-"));
			this.timer = Executors.newSingleThreadScheduledExecutor(threads("zdm-timer-"));
			if (this.heartbeat != null) {
				// The first beat before anything runs: the gates see this instance from its start.
				beat();
				this.timer.scheduleAtFixedRate(this::beat, this.heartbeatInterval.toMillis(),
						this.heartbeatInterval.toMillis(), TimeUnit.MILLISECONDS);
			}
			this.timer.scheduleWithFixedDelay(() -> execute(this::expireArchives), 0, ARCHIVE_EXPIRY_INTERVAL.toMillis(),
					TimeUnit.MILLISECONDS);
			this.running = true;
		}
	}

	private void beat() {
		try {
			this.heartbeat.beat();
		}
		catch (RuntimeException ex) {
			logger.warn("zdm: could not record this instance's heartbeat: {}", ex.getMessage());
		}
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
				scheduleAdvance(plan.id());
			}
		}
	}

	/** Queues the automatic advance of migration {@code id}, unless one is queued or running already. */
	private void scheduleAdvance(String id) {
		if (this.running && this.advancing.add(id)) {
			if (!execute(() -> autoAdvance(id))) {
				this.advancing.remove(id);
			}
		}
	}

	private boolean execute(Runnable task) {
		ExecutorService pool = this.workers;
		if (pool == null) {
			return false;
		}
		try {
			pool.execute(task);
			return true;
		}
		catch (RejectedExecutionException ex) {
			// Stopping.
			return false;
		}
	}

	private void autoAdvance(String id) {
		Duration retry = null;
		try {
			Phase phase = this.orchestrator.status(id).phase();
			while (this.running && phase.advancesTo() != null && this.autoAdvance.contains(phase.advancesTo())) {
				phase = this.orchestrator.advance(id).phase();
			}
		}
		catch (MigrationBusyException ex) {
			// Another instance (or a request here) runs this phase; come back to join its backfill or take the next.
			logger.info("zdm: migration {} is busy elsewhere; trying again in {} s", id, BUSY_RETRY.toSeconds());
			retry = BUSY_RETRY;
		}
		catch (MigrationStoppedException ex) {
			logger.info("zdm: migration {} stopped on this instance, which is stopping; another instance goes on "
					+ "with it", id);
		}
		catch (MigrationGateException ex) {
			logger.info("zdm: migration {} waits for its {} gate (asking again in {} s): {}", id, ex.gate().name(),
					GATE_RETRY.toSeconds(), ex.getMessage());
			retry = GATE_RETRY;
		}
		catch (MigrationPausedException ex) {
			logger.info("zdm: migration {} waits: {}", id, ex.getMessage());
		}
		catch (RuntimeException ex) {
			logger.error("zdm: migration {} stopped: {}", id, ex.getMessage());
		}
		finally {
			this.advancing.remove(id);
		}
		if (retry != null && this.running) {
			try {
				this.timer.schedule(() -> scheduleAdvance(id), retry.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException ex) {
				// Stopping.
			}
		}
	}

	/**
	 * Runs {@code task} (an action requested through the endpoint) on a thread of its own, so that it never
	 * waits for a backfill. A migration is still never advanced twice at once by this instance: the orchestrator
	 * refuses a second backfill of a migration it is backfilling.
	 */
	public Future<?> submit(Runnable task) {
		ExecutorService pool = this.requests;
		if (pool == null || !this.running) {
			throw new IllegalStateException("zdm's scheduler is not running (the application is starting or stopping)");
		}
		return pool.submit(() -> {
			try {
				task.run();
			}
			catch (MigrationStoppedException | MigrationBusyException | MigrationPausedException
					| MigrationGateException ex) {
				logger.info("zdm: {}", ex.getMessage());
			}
			catch (RuntimeException ex) {
				logger.error("zdm: {}", ex.getMessage());
			}
		});
	}

	/**
	 * Stops gracefully: no new work starts, running backfills stop after their batch in flight and release their
	 * ranges at once, and this waits up to {@code zdm.scheduler.shutdown-max-wait} for the work to end (what runs
	 * longer is interrupted), then leaves the instance registry.
	 */
	@Override
	public void stop() {
		synchronized (this.lifecycle) {
			if (!this.running) {
				return;
			}
			this.running = false;
			this.orchestrator.stop();
			this.timer.shutdownNow();
			this.workers.shutdown();
			this.requests.shutdown();
			long deadline = System.nanoTime() + this.shutdownMaxWait.toNanos();
			try {
				boolean ended = this.workers.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
						&& this.requests.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
				if (!ended) {
					logger.warn("zdm: migration work still ran after zdm.scheduler.shutdown-max-wait ({} s); interrupting it",
							this.shutdownMaxWait.toSeconds());
					this.workers.shutdownNow();
					this.requests.shutdownNow();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				this.workers.shutdownNow();
				this.requests.shutdownNow();
			}
			if (this.heartbeat != null) {
				this.heartbeat.leave();
			}
			logger.info("zdm: scheduler stopped");
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public void destroy() {
		stop();
	}

	private static ThreadFactory threads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

}

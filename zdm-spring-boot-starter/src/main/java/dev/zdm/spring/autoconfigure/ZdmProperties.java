package dev.zdm.spring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.zdm.core.instance.Readiness;
import dev.zdm.core.migration.Phase;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of zdm ({@code zdm.*}).
 */
@ConfigurationProperties("zdm")
public class ZdmProperties {

	/** Whether zdm loads plans and drives migrations. */
	private boolean enabled = true;

	/** Where plan files ({@code *.yaml}, {@code *.yml}) are found, searched recursively. */
	private List<String> locations = new ArrayList<>(List.of("classpath:db/zdm"));

	/** Schema of zdm's state tables and trigger functions. */
	private String schema = "zdm";

	/**
	 * Longest time a DDL statement waits for its lock, and so the longest time application queries queue
	 * behind it. Statements that do not get their lock are retried.
	 */
	private Duration lockTimeout = Duration.ofSeconds(1);

	/** Longest time a metadata-only DDL statement may run. */
	private Duration statementTimeout = Duration.ofSeconds(30);

	/** Attempts per DDL statement before giving up when its lock is not granted. */
	private int maxAttempts = 20;

	/**
	 * Phases a migration advances to by itself once the application is ready. Switch and contract change
	 * what the application sees, so by default they wait for a request on the actuator endpoint.
	 */
	private Set<Phase> autoAdvance = EnumSet.of(Phase.EXPANDED, Phase.BACKFILLED);

	/**
	 * The migration whose final shape this version of the application is written for. Its connections then
	 * put the migration's version schema ({@code zdm_<id>}) first on their {@code search_path}, where views
	 * show the changed tables in their final shape from expand on. Leave unset in code written for the
	 * shape before the migration.
	 */
	private String schemaVersion;

	/** This instance's name in backfill leases and the audit log; generated from host and process if unset. */
	private String instanceId;

	private final Backfill backfill = new Backfill();

	private final Archive archive = new Archive();

	private final Datasource datasource = new Datasource();

	private final Health health = new Health();

	private final Metrics metrics = new Metrics();

	private final Scheduler scheduler = new Scheduler();

	private final Instance instance = new Instance();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public List<String> getLocations() {
		return this.locations;
	}

	public void setLocations(List<String> locations) {
		this.locations = locations;
	}

	public String getSchema() {
		return this.schema;
	}

	public void setSchema(String schema) {
		this.schema = schema;
	}

	public Duration getLockTimeout() {
		return this.lockTimeout;
	}

	public void setLockTimeout(Duration lockTimeout) {
		this.lockTimeout = lockTimeout;
	}

	public Duration getStatementTimeout() {
		return this.statementTimeout;
	}

	public void setStatementTimeout(Duration statementTimeout) {
		this.statementTimeout = statementTimeout;
	}

	public int getMaxAttempts() {
		return this.maxAttempts;
	}

	public void setMaxAttempts(int maxAttempts) {
		this.maxAttempts = maxAttempts;
	}

	public Set<Phase> getAutoAdvance() {
		return this.autoAdvance;
	}

	public void setAutoAdvance(Set<Phase> autoAdvance) {
		this.autoAdvance = autoAdvance;
	}

	public String getSchemaVersion() {
		return this.schemaVersion;
	}

	public void setSchemaVersion(String schemaVersion) {
		this.schemaVersion = schemaVersion;
	}

	public String getInstanceId() {
		return this.instanceId;
	}

	public void setInstanceId(String instanceId) {
		this.instanceId = instanceId;
	}

	public Backfill getBackfill() {
		return this.backfill;
	}

	public Archive getArchive() {
		return this.archive;
	}

	public Datasource getDatasource() {
		return this.datasource;
	}

	public Health getHealth() {
		return this.health;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	/**
	 * A separate connection for zdm's DDL and state ({@code zdm.datasource.*}), since DDL often needs a role
	 * the application does not have. Unset, zdm uses the {@code @ZdmDataSource} bean if there is one, else the
	 * application's DataSource.
	 */
	public static class Datasource {

		/** JDBC URL of the database zdm connects to; unset, the application's DataSource URL with the user below. */
		private String url;

		/** Login user zdm connects as. */
		private String username;

		/** Login password of that user. */
		private String password;

		/** Fully qualified name of the JDBC driver; by default deduced from the URL. */
		private String driverClassName;

		public String getUrl() {
			return this.url;
		}

		public void setUrl(String url) {
			this.url = url;
		}

		public String getUsername() {
			return this.username;
		}

		public void setUsername(String username) {
			this.username = username;
		}

		public String getPassword() {
			return this.password;
		}

		public void setPassword(String password) {
			this.password = password;
		}

		public String getDriverClassName() {
			return this.driverClassName;
		}

		public void setDriverClassName(String driverClassName) {
			this.driverClassName = driverClassName;
		}

	}

	/** The {@code zdm} health contributor ({@code zdm.health.*}). */
	public static class Health {

		/**
		 * A migration in progress that has made no progress (no phase change, no backfilled row) for this long
		 * is reported as stalled.
		 */
		private Duration stalledAfter = Duration.ofMinutes(10);

		/**
		 * Whether a failed migration (one whose last attempt ended in an error) makes the health DOWN. Off by
		 * default: the application itself still works, and a DOWN would take instances out of load balancing.
		 */
		private boolean downOnFailure = false;

		public Duration getStalledAfter() {
			return this.stalledAfter;
		}

		public void setStalledAfter(Duration stalledAfter) {
			this.stalledAfter = stalledAfter;
		}

		public boolean isDownOnFailure() {
			return this.downOnFailure;
		}

		public void setDownOnFailure(boolean downOnFailure) {
			this.downOnFailure = downOnFailure;
		}

	}

	public Scheduler getScheduler() {
		return this.scheduler;
	}

	public Instance getInstance() {
		return this.instance;
	}

	/** The background scheduler that advances migrations and runs their backfills ({@code zdm.scheduler.*}). */
	public static class Scheduler {

		/**
		 * Threads that advance migrations by themselves ({@code zdm.auto-advance}): so many migrations progress at
		 * once, each on one thread. A running backfill borrows about four connections from the pool it shares with
		 * the application (two workers, their lease and throttle checks): raise this only with the connection pool.
		 * Actions asked for through the actuator endpoint run on threads of their own, never queued behind these.
		 */
		private int poolSize = 2;

		/**
		 * How long a stopping application waits for its running migrations: backfills stop after their batch in
		 * flight and give their ranges to the other instances at once; other work (DDL) that runs longer is
		 * interrupted after this.
		 */
		private Duration shutdownMaxWait = Duration.ofSeconds(30);

		public int getPoolSize() {
			return this.poolSize;
		}

		public void setPoolSize(int poolSize) {
			this.poolSize = poolSize;
		}

		public Duration getShutdownMaxWait() {
			return this.shutdownMaxWait;
		}

		public void setShutdownMaxWait(Duration shutdownMaxWait) {
			this.shutdownMaxWait = shutdownMaxWait;
		}

	}

	/** zdm's Micrometer meters ({@code zdm.metrics.*}). */
	public static class Metrics {

		/**
		 * How often the gauges that read the database (phases, rows remaining, lock waiters on migrated tables,
		 * replication lag) are refreshed: at most one round of queries per interval, whatever the scrape rate.
		 */
		private Duration refreshInterval = Duration.ofSeconds(10);

		public Duration getRefreshInterval() {
			return this.refreshInterval;
		}

		public void setRefreshInterval(Duration refreshInterval) {
			this.refreshInterval = refreshInterval;
		}

	}

	/** This application instance's heartbeats and what it is ready for ({@code zdm.instance.*}). */
	public static class Instance {

		/** How often this instance records its heartbeat in {@code zdm_instance}. */
		private Duration heartbeatInterval = Duration.ofSeconds(10);

		/**
		 * How long an instance counts as live after its last heartbeat: the switch and contract gates wait for
		 * the live instances only. Keep it a few heartbeat intervals long.
		 */
		private Duration timeout = Duration.ofSeconds(30);

		/**
		 * The application's version in heartbeats (shown with the instances that block a gate). Defaults to
		 * {@code spring.application.version}, else the version of {@code META-INF/build-info.properties}.
		 */
		private String version;

		/**
		 * What this version of the application is ready for, by migration id: {@code unaware},
		 * {@code syncs-both} (keeps both shapes in step on its writes), {@code reads-new} (reads the new shape:
		 * code that only reads it, or reads and writes it through zdm's triggers) or {@code new-only}. Adds to
		 * what {@code zdm.schema-version} ({@code reads-new}) and {@code @DualWrite} declare; the highest wins.
		 */
		private Map<String, Readiness> readiness = new LinkedHashMap<>();

		public Duration getHeartbeatInterval() {
			return this.heartbeatInterval;
		}

		public void setHeartbeatInterval(Duration heartbeatInterval) {
			this.heartbeatInterval = heartbeatInterval;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public String getVersion() {
			return this.version;
		}

		public void setVersion(String version) {
			this.version = version;
		}

		public Map<String, Readiness> getReadiness() {
			return this.readiness;
		}

		public void setReadiness(Map<String, Readiness> readiness) {
			this.readiness = readiness;
		}

	}

	/** The archives of dropped columns ({@code zdm.archive.*}). */
	public static class Archive {

		/**
		 * How long the archive of a column dropped by {@code dropColumn} is kept after contract dropped it: undo is
		 * possible until then. Expired archives are deleted at startup and every hour, never during a migration.
		 */
		private Duration retention = Duration.ofDays(30);

		public Duration getRetention() {
			return this.retention;
		}

		public void setRetention(Duration retention) {
			this.retention = retention;
		}

	}

	/** How backfills run ({@code zdm.backfill.*}). */
	public static class Backfill {

		/** Rows in the first batch. */
		private int batchSize = 1000;

		/** Smallest batch the size adapts down to. */
		private int minBatchSize = 100;

		/** Largest batch the size adapts up to. */
		private int maxBatchSize = 10_000;

		/** Time a batch should take; the batch size adapts towards it. */
		private Duration targetBatchTime = Duration.ofMillis(50);

		/** How long a claimed range stays claimed without progress before another instance takes it over. */
		private Duration leaseDuration = Duration.ofSeconds(60);

		/** Pause between batches, to leave room for the application. */
		private Duration pause = Duration.ZERO;

		/** Most ranges a table's key space is split into, so that instances can share the work. */
		private int maxRanges = 16;

		/**
		 * How many ranges one instance works on at once, each on its own connection; the ones beyond the first
		 * work only while no throttle signal fires.
		 */
		private int parallelism = 2;

		/** About how many rows one range holds (at most {@code max-ranges} ranges). */
		private long rowsPerRange = 100_000;

		/** Longest time one batch may run; a batch that takes longer is split in two. */
		private Duration batchTimeout = Duration.ofSeconds(30);

		/**
		 * How often a batch that failed with a transient error (serialization failure, deadlock) is retried
		 * before the backfill fails.
		 */
		private int maxRetries = 5;

		/** Pause before the first retry of a failed batch; it doubles with each further one. */
		private Duration retryBackoff = Duration.ofMillis(200);

		/** Most rows per second this instance visits, over all its ranges; 0 for no limit. */
		private long maxRowsPerSecond = 0;

		/**
		 * Whether verification scans the whole table again after the backfill; without it each batch verifies
		 * its own key range.
		 */
		private boolean finalScan = false;

		private final Throttle throttle = new Throttle();

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		public int getMinBatchSize() {
			return this.minBatchSize;
		}

		public void setMinBatchSize(int minBatchSize) {
			this.minBatchSize = minBatchSize;
		}

		public int getMaxBatchSize() {
			return this.maxBatchSize;
		}

		public void setMaxBatchSize(int maxBatchSize) {
			this.maxBatchSize = maxBatchSize;
		}

		public Duration getTargetBatchTime() {
			return this.targetBatchTime;
		}

		public void setTargetBatchTime(Duration targetBatchTime) {
			this.targetBatchTime = targetBatchTime;
		}

		public Duration getLeaseDuration() {
			return this.leaseDuration;
		}

		public void setLeaseDuration(Duration leaseDuration) {
			this.leaseDuration = leaseDuration;
		}

		public Duration getPause() {
			return this.pause;
		}

		public void setPause(Duration pause) {
			this.pause = pause;
		}

		public int getMaxRanges() {
			return this.maxRanges;
		}

		public void setMaxRanges(int maxRanges) {
			this.maxRanges = maxRanges;
		}

		public int getParallelism() {
			return this.parallelism;
		}

		public void setParallelism(int parallelism) {
			this.parallelism = parallelism;
		}

		public long getRowsPerRange() {
			return this.rowsPerRange;
		}

		public void setRowsPerRange(long rowsPerRange) {
			this.rowsPerRange = rowsPerRange;
		}

		public Duration getBatchTimeout() {
			return this.batchTimeout;
		}

		public void setBatchTimeout(Duration batchTimeout) {
			this.batchTimeout = batchTimeout;
		}

		public int getMaxRetries() {
			return this.maxRetries;
		}

		public void setMaxRetries(int maxRetries) {
			this.maxRetries = maxRetries;
		}

		public Duration getRetryBackoff() {
			return this.retryBackoff;
		}

		public void setRetryBackoff(Duration retryBackoff) {
			this.retryBackoff = retryBackoff;
		}

		public long getMaxRowsPerSecond() {
			return this.maxRowsPerSecond;
		}

		public void setMaxRowsPerSecond(long maxRowsPerSecond) {
			this.maxRowsPerSecond = maxRowsPerSecond;
		}

		public boolean isFinalScan() {
			return this.finalScan;
		}

		public void setFinalScan(boolean finalScan) {
			this.finalScan = finalScan;
		}

		public Throttle getThrottle() {
			return this.throttle;
		}

	}

	/** The backfill's throttle signals ({@code zdm.backfill.throttle.*}); zero turns a signal off. */
	public static class Throttle {

		/** How often the signals are checked while a backfill runs (and while it is stopped). */
		private Duration checkInterval = Duration.ofMillis(500);

		/** Sessions waiting for a lock on a table being backfilled at which the backfill slows. */
		private int maxLockWaiters = 1;

		/**
		 * Client sessions of the server at work (in a statement or a transaction, or done with one less than 10 ms
		 * ago; zdm's own not counted) at which the backfill slows: about the server's cores.
		 */
		private int maxActiveSessions = 4;

		/** Replay lag of a standby at which the backfill stops until it catches up. */
		private Duration maxReplicationLag = Duration.ofSeconds(10);

		/** WAL a replication slot has not confirmed at which the backfill stops. */
		private DataSize maxSlotLag = DataSize.ofGigabytes(1);

		/**
		 * Age of the oldest transaction holding back the xmin horizon at which the backfill stops: until it ends,
		 * every rewritten row only adds a dead version.
		 */
		private Duration maxTransactionAge = Duration.ofMinutes(5);

		/**
		 * How long at most the backfill stops for one vacuum (autovacuum or VACUUM) working on a table being
		 * backfilled; after that it goes on beside the vacuum. 0 turns the signal off.
		 */
		private Duration maxVacuumWait = Duration.ofMinutes(10);

		/**
		 * Mean latency of the application's own HTTP requests ({@code http.server.requests}, actuator requests
		 * excluded) over {@code request-latency-window} at which the backfill slows; 0 turns the signal off. Needs
		 * Micrometer and a MeterRegistry.
		 */
		private Duration maxRequestLatency = Duration.ofSeconds(1);

		/** Window over which the mean request latency is measured. */
		private Duration requestLatencyWindow = Duration.ofSeconds(5);

		public Duration getCheckInterval() {
			return this.checkInterval;
		}

		public void setCheckInterval(Duration checkInterval) {
			this.checkInterval = checkInterval;
		}

		public int getMaxLockWaiters() {
			return this.maxLockWaiters;
		}

		public void setMaxLockWaiters(int maxLockWaiters) {
			this.maxLockWaiters = maxLockWaiters;
		}

		public int getMaxActiveSessions() {
			return this.maxActiveSessions;
		}

		public void setMaxActiveSessions(int maxActiveSessions) {
			this.maxActiveSessions = maxActiveSessions;
		}

		public Duration getMaxReplicationLag() {
			return this.maxReplicationLag;
		}

		public void setMaxReplicationLag(Duration maxReplicationLag) {
			this.maxReplicationLag = maxReplicationLag;
		}

		public DataSize getMaxSlotLag() {
			return this.maxSlotLag;
		}

		public void setMaxSlotLag(DataSize maxSlotLag) {
			this.maxSlotLag = maxSlotLag;
		}

		public Duration getMaxTransactionAge() {
			return this.maxTransactionAge;
		}

		public void setMaxTransactionAge(Duration maxTransactionAge) {
			this.maxTransactionAge = maxTransactionAge;
		}

		public Duration getMaxVacuumWait() {
			return this.maxVacuumWait;
		}

		public void setMaxVacuumWait(Duration maxVacuumWait) {
			this.maxVacuumWait = maxVacuumWait;
		}

		public Duration getMaxRequestLatency() {
			return this.maxRequestLatency;
		}

		public void setMaxRequestLatency(Duration maxRequestLatency) {
			this.maxRequestLatency = maxRequestLatency;
		}

		public Duration getRequestLatencyWindow() {
			return this.requestLatencyWindow;
		}

		public void setRequestLatencyWindow(Duration requestLatencyWindow) {
			this.requestLatencyWindow = requestLatencyWindow;
		}

	}

}

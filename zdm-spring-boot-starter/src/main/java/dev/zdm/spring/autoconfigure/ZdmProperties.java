package dev.zdm.spring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import dev.zdm.core.migration.Phase;
import org.springframework.boot.context.properties.ConfigurationProperties;

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

	}

}

package dev.zdm.core.migration;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.UUID;

import dev.zdm.core.backfill.BackfillSettings;
import dev.zdm.core.ddl.DdlSettings;
import dev.zdm.core.sql.Identifier;

/**
 * Everything an {@link Orchestrator} is configured with.
 *
 * @param schema the schema of zdm's state tables and trigger functions
 * @param ddl how DDL is run
 * @param backfill how backfills run
 * @param instanceId this instance's name in leases and the audit log
 * @param listener hears phase changes, lock retries and batches
 * @param archiveRetention how long the archive of a dropped column is kept after contract dropped it (undo is
 * possible until then); expired archives are deleted by {@code Orchestrator.expireArchives}
 * @param instanceTimeout how long an application instance counts as live after its last heartbeat
 * ({@code zdm_instance}); the switch and contract gates consider the live instances only
 */
public record ZdmSettings(Identifier schema, DdlSettings ddl, BackfillSettings backfill, String instanceId,
		MigrationListener listener, Duration archiveRetention, Duration instanceTimeout) {

	/** The default {@link #archiveRetention}: 30 days. */
	public static final Duration DEFAULT_ARCHIVE_RETENTION = Duration.ofDays(30);

	/** The default {@link #instanceTimeout}: 30 seconds. */
	public static final Duration DEFAULT_INSTANCE_TIMEOUT = Duration.ofSeconds(30);

	/** Settings with the default archive retention. */
	public ZdmSettings(Identifier schema, DdlSettings ddl, BackfillSettings backfill, String instanceId,
			MigrationListener listener) {
		this(schema, ddl, backfill, instanceId, listener, DEFAULT_ARCHIVE_RETENTION);
	}

	/** Settings with the default instance timeout. */
	public ZdmSettings(Identifier schema, DdlSettings ddl, BackfillSettings backfill, String instanceId,
			MigrationListener listener, Duration archiveRetention) {
		this(schema, ddl, backfill, instanceId, listener, archiveRetention, DEFAULT_INSTANCE_TIMEOUT);
	}

	/** Schema {@code zdm}, default DDL and backfill settings, a generated instance id, no listener. */
	public static ZdmSettings defaults() {
		return new ZdmSettings(Identifier.of("zdm"), DdlSettings.defaults(), BackfillSettings.defaults(),
				defaultInstanceId(), MigrationListener.NONE);
	}

	/** {@code host:pid:random}, unique per process. */
	public static String defaultInstanceId() {
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (Exception ex) {
			host = "unknown";
		}
		return host + ":" + ManagementFactory.getRuntimeMXBean().getPid() + ":"
				+ UUID.randomUUID().toString().substring(0, 8);
	}

	public ZdmSettings withSchema(String schema) {
		return new ZdmSettings(Identifier.of(schema), this.ddl, this.backfill, this.instanceId, this.listener, this.archiveRetention,
				this.instanceTimeout);
	}

	public ZdmSettings withDdl(DdlSettings ddl) {
		return new ZdmSettings(this.schema, ddl, this.backfill, this.instanceId, this.listener, this.archiveRetention,
				this.instanceTimeout);
	}

	public ZdmSettings withBackfill(BackfillSettings backfill) {
		return new ZdmSettings(this.schema, this.ddl, backfill, this.instanceId, this.listener, this.archiveRetention,
				this.instanceTimeout);
	}

	public ZdmSettings withInstanceId(String instanceId) {
		return new ZdmSettings(this.schema, this.ddl, this.backfill, instanceId, this.listener, this.archiveRetention,
				this.instanceTimeout);
	}

	public ZdmSettings withArchiveRetention(Duration archiveRetention) {
		return new ZdmSettings(this.schema, this.ddl, this.backfill, this.instanceId, this.listener, archiveRetention,
				this.instanceTimeout);
	}

	public ZdmSettings withListener(MigrationListener listener) {
		return new ZdmSettings(this.schema, this.ddl, this.backfill, this.instanceId, listener, this.archiveRetention,
				this.instanceTimeout);
	}

	public ZdmSettings withInstanceTimeout(Duration instanceTimeout) {
		return new ZdmSettings(this.schema, this.ddl, this.backfill, this.instanceId, this.listener, this.archiveRetention,
				instanceTimeout);
	}

}

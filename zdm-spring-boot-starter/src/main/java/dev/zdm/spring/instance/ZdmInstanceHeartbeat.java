package dev.zdm.spring.instance;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.zdm.core.instance.Instance;
import dev.zdm.core.instance.InstanceRegistry;
import dev.zdm.core.instance.Readiness;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This application instance's heartbeat: its id, host, version, start time and, per migration, the highest
 * readiness any {@link ZdmReadinessContributor} bean reports (read again at each beat). The scheduler sends it
 * every {@code zdm.instance.heartbeat-interval} and {@linkplain #leave() leaves} when the application stops.
 */
public final class ZdmInstanceHeartbeat {

	private static final Logger logger = LoggerFactory.getLogger(ZdmInstanceHeartbeat.class);

	private final InstanceRegistry registry;

	private final String instanceId;

	private final String host;

	private final String version;

	private final Instant startedAt;

	private final Supplier<List<ZdmReadinessContributor>> contributors;

	/**
	 * @param registry where heartbeats go ({@code Orchestrator.instances()})
	 * @param instanceId this instance's id ({@code ZdmSettings.instanceId()})
	 * @param version the application's version, or {@code null}
	 * @param contributors the readiness contributors, asked at every beat
	 */
	public ZdmInstanceHeartbeat(InstanceRegistry registry, String instanceId, String version,
			Supplier<List<ZdmReadinessContributor>> contributors) {
		this.registry = registry;
		this.instanceId = instanceId;
		this.host = localHost();
		this.version = version;
		this.startedAt = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
		this.contributors = contributors;
	}

	/** The heartbeat this instance sends now. */
	public Instance instance() {
		Map<String, Readiness> readiness = new LinkedHashMap<>();
		for (ZdmReadinessContributor contributor : this.contributors.get()) {
			Map<String, Readiness> reported = contributor.readiness();
			if (reported != null) {
				reported.forEach((id, level) -> {
					if (id != null && level != null) {
						readiness.merge(id, level, ZdmInstanceHeartbeat::highest);
					}
				});
			}
		}
		return Instance.of(this.instanceId, this.host, this.version, this.startedAt, readiness);
	}

	/** Records a heartbeat. */
	public void beat() {
		this.registry.heartbeat(instance());
	}

	/** Removes this instance from the registry at once: no gate waits for it any longer. */
	public void leave() {
		try {
			this.registry.leave(this.instanceId);
		}
		catch (RuntimeException ex) {
			logger.warn("zdm: could not remove instance {} from the registry (it drops out after the timeout): {}",
					this.instanceId, ex.getMessage());
		}
	}

	static Readiness highest(Readiness a, Readiness b) {
		return a.atLeast(b) ? a : b;
	}

	private static String localHost() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (Exception ex) {
			return "unknown";
		}
	}

}

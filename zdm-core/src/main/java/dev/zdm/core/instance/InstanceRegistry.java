package dev.zdm.core.instance;

import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import dev.zdm.core.state.InstanceStore;
import dev.zdm.core.state.StateStore;

/**
 * The application instances that run zdm on one database, from their heartbeats ({@code zdm_instance}).
 * An instance is live while its last heartbeat is younger than the timeout; one that stops heartbeating
 * (killed, cut off) drops out of {@link #live()} after it, and its row is deleted once it has been silent
 * for {@link #forgetAfter()}. An instance that stops gracefully {@linkplain #leave leaves} at once.
 * <p>
 * The orchestrator's gates read the live instances: with none registered (zdm used without the starter's
 * heartbeats) the gates hold.
 */
public final class InstanceRegistry {

	private final InstanceStore store;

	private final Duration timeout;

	public InstanceRegistry(DataSource dataSource, StateStore state, Duration timeout) {
		if (timeout == null || timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("the instance timeout must be positive");
		}
		this.store = new InstanceStore(dataSource, state);
		this.timeout = timeout;
	}

	/** How long an instance stays live after its last heartbeat. */
	public Duration timeout() {
		return this.timeout;
	}

	/** How long the row of an instance that stopped heartbeating is kept: ten timeouts, at least ten minutes. */
	public Duration forgetAfter() {
		Duration tenTimeouts = this.timeout.multipliedBy(10);
		return (tenTimeouts.compareTo(Duration.ofMinutes(10)) > 0) ? tenTimeouts : Duration.ofMinutes(10);
	}

	/**
	 * Records that {@code instance} is alive and what it is ready for (its {@code lastSeen} is ignored: the
	 * database's clock sets it), and forgets instances silent for longer than {@link #forgetAfter()}.
	 */
	public void heartbeat(Instance instance) {
		this.store.heartbeat(instance);
		this.store.deleteSilentFor(forgetAfter());
	}

	/** Removes instance {@code instanceId} at once: it stopped, and no gate should wait for it any longer. */
	public void leave(String instanceId) {
		this.store.delete(instanceId);
	}

	/** The instances whose last heartbeat is younger than the timeout, oldest start first. */
	public List<Instance> live() {
		return this.store.seenWithin(this.timeout);
	}

	/** Every instance still on record, live or not (those silent for longer than the timeout are not live). */
	public List<Instance> all() {
		return this.store.all();
	}

}

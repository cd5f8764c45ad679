package dev.zdm.spring.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.zdm.core.backfill.BackfillProgress;
import dev.zdm.core.migration.MigrationStatus;
import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.Phase;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code zdm} health contributor: the migrations in progress, failed, paused, throttled and stalled, in its
 * details. It is UP unless {@code downOnFailure} is set and a migration failed (its last attempt ended in an
 * error it has not recovered from): a migration's trouble is not the application's, and a DOWN takes
 * instances out of load balancing. Reads zdm's state in a bounded number of queries
 * ({@link Orchestrator#overview()}).
 */
public class ZdmHealthIndicator extends AbstractHealthIndicator {

	/** The phases in which zdm works by itself; the others wait for a request (or are over). */
	private static final Set<Phase> WORKING = EnumSet.of(Phase.EXPANDING, Phase.BACKFILLING, Phase.CONTRACTING,
			Phase.ROLLING_BACK, Phase.UNDOING);

	private final Orchestrator orchestrator;

	private final Duration stalledAfter;

	private final boolean downOnFailure;

	private final Clock clock;

	/** Per migration, the rows its backfill had written when this indicator last saw them change. */
	private final Map<String, Progress> lastProgress = new ConcurrentHashMap<>();

	public ZdmHealthIndicator(Orchestrator orchestrator, Duration stalledAfter, boolean downOnFailure) {
		this(orchestrator, stalledAfter, downOnFailure, Clock.systemUTC());
	}

	ZdmHealthIndicator(Orchestrator orchestrator, Duration stalledAfter, boolean downOnFailure, Clock clock) {
		super("zdm: could not read the state of migrations");
		this.orchestrator = orchestrator;
		this.stalledAfter = stalledAfter;
		this.downOnFailure = downOnFailure;
		this.clock = clock;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Instant now = this.clock.instant();
		Map<String, String> inProgress = new LinkedHashMap<>();
		Map<String, String> failed = new LinkedHashMap<>();
		Map<String, String> paused = new LinkedHashMap<>();
		Map<String, String> throttled = new LinkedHashMap<>();
		Map<String, String> stalled = new LinkedHashMap<>();
		List<String> seen = new ArrayList<>();
		for (MigrationStatus status : this.orchestrator.overview()) {
			Phase phase = status.phase();
			seen.add(status.id());
			if (phase.isFinal() || (phase == Phase.PENDING && status.error() == null)) {
				continue;
			}
			BackfillProgress backfill = status.backfill();
			inProgress.put(status.id(), describe(status));
			if (status.error() != null) {
				failed.put(status.id(), status.error());
			}
			boolean isPaused = backfill != null && !"RUNNING".equals(backfill.state());
			if (isPaused) {
				paused.put(status.id(), "backfill " + backfill.state());
			}
			if (backfill != null && backfill.throttle() != null && phase == Phase.BACKFILLING && !isPaused) {
				throttled.put(status.id(), backfill.throttle()
						+ ((backfill.throttleReason() != null) ? ": " + backfill.throttleReason() : ""));
			}
			if (WORKING.contains(phase) && !isPaused && status.error() == null) {
				Instant since = lastChange(status, now);
				Duration idle = Duration.between(since, now);
				if (idle.compareTo(this.stalledAfter) >= 0) {
					stalled.put(status.id(), "no progress in " + phase + " for " + idle.withNanos(0)
							+ " (zdm.health.stalled-after=" + this.stalledAfter + ")");
				}
			}
		}
		this.lastProgress.keySet().retainAll(seen);
		if (!failed.isEmpty() && this.downOnFailure) {
			builder.down();
		}
		else {
			builder.up();
		}
		builder.withDetail("inProgress", inProgress);
		putIfAny(builder, "failed", failed);
		putIfAny(builder, "paused", paused);
		putIfAny(builder, "throttled", throttled);
		putIfAny(builder, "stalled", stalled);
	}

	private static void putIfAny(Health.Builder builder, String key, Map<String, String> values) {
		if (!values.isEmpty()) {
			builder.withDetail(key, values);
		}
	}

	private static String describe(MigrationStatus status) {
		BackfillProgress backfill = status.backfill();
		if (status.phase() != Phase.BACKFILLING || backfill == null) {
			return status.phase().name();
		}
		return status.phase() + " " + backfill.rowsDone() + "/" + backfill.rowsTotal() + " rows";
	}

	/**
	 * When the migration last moved: its last phase change or error; in a backfill, also the last change of its
	 * backfilled rows this indicator saw (counted from when it first saw the backfill, as it cannot know earlier).
	 */
	private Instant lastChange(MigrationStatus status, Instant now) {
		if (status.phase() != Phase.BACKFILLING) {
			this.lastProgress.remove(status.id());
			return (status.updatedAt() != null) ? status.updatedAt() : now;
		}
		long rows = (status.backfill() != null) ? status.backfill().rowsDone() : -1;
		Progress progress = this.lastProgress.compute(status.id(), (id, previous) -> (previous == null
				|| previous.rows() != rows || !previous.phase().equals(status.phase())) ? new Progress(status.phase(), rows, now)
						: previous);
		Instant updated = status.updatedAt();
		return (updated != null && updated.isAfter(progress.since())) ? updated : progress.since();
	}

	private record Progress(Phase phase, long rows, Instant since) {
	}

}

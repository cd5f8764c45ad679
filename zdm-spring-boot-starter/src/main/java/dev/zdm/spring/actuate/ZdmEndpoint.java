package dev.zdm.spring.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.zdm.core.backfill.BackfillProgress;
import dev.zdm.core.migration.MigrationException;
import dev.zdm.core.migration.MigrationStatus;
import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.Phase;
import dev.zdm.core.plan.Operation;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.plan.PlanException;
import dev.zdm.core.state.MigrationEvent;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code zdm} actuator endpoint: migrations, their phase, backfill progress and audit log; and, where
 * write access is granted ({@code management.endpoint.zdm.access=unrestricted}), the actions
 * {@code advance}, {@code retry}, {@code rollback}, {@code restart} and {@code undo}.
 */
@Endpoint(id = "zdm", defaultAccess = Access.READ_ONLY)
public class ZdmEndpoint {

	private final Orchestrator orchestrator;

	private final Consumer<Runnable> background;

	/**
	 * @param orchestrator the orchestrator
	 * @param background runs long phases (backfill) off the request thread
	 */
	public ZdmEndpoint(Orchestrator orchestrator, Consumer<Runnable> background) {
		this.orchestrator = orchestrator;
		this.background = background;
	}

	@ReadOperation
	public MigrationsDescriptor migrations() {
		return new MigrationsDescriptor(this.orchestrator.statuses().stream().map((status) -> describe(status, false)).toList());
	}

	@ReadOperation
	public MigrationDescriptor migration(@Selector String id) {
		return describe(status(id), true);
	}

	/**
	 * Acts on a migration. {@code advance} (or {@code retry}) runs the next phase; a backfill runs in the
	 * background and the answer shows it started. {@code rollback} undoes the migration. {@code restart}
	 * starts a rolled-back migration again from {@code PENDING} with the same plan. {@code undo} undoes a
	 * completed migration from its archives (a dropped column comes back with its data). A refused action
	 * answers 400 with the reason.
	 */
	@WriteOperation
	public MigrationDescriptor act(@Selector String id, String action) {
		MigrationStatus status = status(id);
		try {
			switch (action) {
				case "advance", "retry" -> {
					if (status.phase() == Phase.EXPANDED || status.phase() == Phase.BACKFILLING) {
						this.background.accept(() -> this.orchestrator.advance(id));
					}
					else {
						this.orchestrator.advance(id);
					}
				}
				case "rollback" -> this.orchestrator.rollback(id);
				case "restart" -> this.orchestrator.restart(id);
				case "undo" -> this.orchestrator.undo(id);
				default -> throw new InvalidEndpointRequestException("Unknown action '" + action
						+ "': use advance, retry, rollback, restart or undo", "Unknown action");
			}
		}
		catch (MigrationException | PlanException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), ex.getMessage());
		}
		return describe(status(id), true);
	}

	private MigrationStatus status(String id) {
		try {
			return this.orchestrator.status(id);
		}
		catch (MigrationException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), ex.getMessage());
		}
	}

	private MigrationDescriptor describe(MigrationStatus status, boolean details) {
		List<MigrationEvent> events = this.orchestrator.events(status.id());
		Plan plan = this.orchestrator.plans().get(status.id());
		List<OperationDescriptor> operations = null;
		if (details && plan != null) {
			operations = plan.operations().stream().map(Operation::canonical).map(OperationDescriptor::new).toList();
		}
		return new MigrationDescriptor(status.id(), status.description(), status.phase(), status.error(),
				backfill(status, events), gates(status), plan != null, operations,
				details ? events.stream().map(EventDescriptor::new).toList() : null, status.updatedAt(),
				status.deprecatedColumns());
	}

	private static BackfillDescriptor backfill(MigrationStatus status, List<MigrationEvent> events) {
		BackfillProgress progress = status.backfill();
		if (progress == null) {
			return null;
		}
		Instant started = events.stream()
			.filter((event) -> Phase.BACKFILLING.name().equals(event.toPhase()))
			.map(MigrationEvent::at)
			.reduce((first, second) -> second)
			.orElse(null);
		Instant ended = events.stream()
			.filter((event) -> Phase.BACKFILLED.name().equals(event.toPhase()))
			.map(MigrationEvent::at)
			.reduce((first, second) -> second)
			.orElse(Instant.now());
		double seconds = (started != null) ? Math.max(0.001, Duration.between(started, ended).toMillis() / 1000.0) : 0;
		double rate = (seconds > 0) ? progress.rowsDone() / seconds : 0;
		String eta = null;
		if (status.phase() == Phase.BACKFILLING && rate > 0) {
			long remaining = Math.max(0, progress.rowsTotal() - progress.rowsDone());
			eta = Duration.ofSeconds((long) Math.ceil(remaining / rate)).toString();
		}
		return new BackfillDescriptor(progress.rowsDone(), progress.rowsTotal(), Math.round(rate * 10) / 10.0, eta,
				progress.ranges(), progress.rangesDone());
	}

	private static Map<String, String> gates(MigrationStatus status) {
		Map<String, String> gates = new LinkedHashMap<>();
		Phase phase = status.phase();
		gates.put("switch", (phase == Phase.BACKFILLED) ? "open: backfill verified"
				: (phase.ordinal() < Phase.BACKFILLED.ordinal()) ? "closed: backfill not verified yet" : "passed");
		gates.put("contract", (phase == Phase.SWITCHED || phase == Phase.CONTRACTING) ? "open: switched"
				: (phase.ordinal() < Phase.SWITCHED.ordinal()) ? "closed: not switched yet" : "passed");
		return gates;
	}

	/** Every migration. */
	public record MigrationsDescriptor(List<MigrationDescriptor> migrations) {
	}

	/**
	 * One migration. Operations and events are given for a single migration only; {@code deprecatedColumns}
	 * are the columns new code must no longer use (hidden from the version schema, gone at contract).
	 */
	public record MigrationDescriptor(String id, String description, Phase phase, String error,
			BackfillDescriptor backfill, Map<String, String> gates, boolean planLoaded, List<OperationDescriptor> operations,
			List<EventDescriptor> events, Instant updatedAt, List<String> deprecatedColumns) {
	}

	/** Backfill progress; {@code eta} is an ISO-8601 duration while the backfill runs. */
	public record BackfillDescriptor(long rowsDone, long rowsTotal, double rowsPerSecond, String eta, int ranges,
			int rangesDone) {
	}

	/** One operation of the plan. */
	public record OperationDescriptor(String operation) {
	}

	/** One entry of the audit log. */
	public record EventDescriptor(Instant at, String action, String fromPhase, String toPhase, String actor,
			String detail) {

		EventDescriptor(MigrationEvent event) {
			this(event.at(), event.action(), event.fromPhase(), event.toPhase(), event.actor(), event.detail());
		}

	}

}

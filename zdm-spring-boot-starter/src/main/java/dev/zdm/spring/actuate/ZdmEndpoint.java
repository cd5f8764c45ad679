package dev.zdm.spring.actuate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.zdm.core.backfill.BackfillProgress;
import dev.zdm.core.instance.Instance;
import dev.zdm.core.instance.Readiness;
import dev.zdm.core.migration.Gate;
import dev.zdm.core.migration.MigrationException;
import dev.zdm.core.migration.MigrationStatus;
import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.Phase;
import dev.zdm.core.plan.Operation;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.plan.PlanException;
import dev.zdm.core.state.MigrationEvent;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code zdm} actuator endpoint: migrations, their phase, backfill progress and audit log; and, where
 * write access is granted ({@code management.endpoint.zdm.access=unrestricted}), the actions of
 * {@link #ACTIONS}. Over HTTP, {@link ZdmEndpointWebExtension} answers refusals with their status (404, 409,
 * 400) and the reason in the body.
 */
@Endpoint(id = "zdm", defaultAccess = Access.READ_ONLY)
public class ZdmEndpoint {

	/** The actions a write request may ask for. */
	public static final List<String> ACTIONS = List.of("advance", "pause", "resume", "cancel", "rollback", "retry",
			"restart", "undo");

	private final Orchestrator orchestrator;

	private final Consumer<Runnable> background;

	private final Access access;

	/**
	 * @param orchestrator the orchestrator
	 * @param background runs long phases (backfill) off the request thread
	 */
	public ZdmEndpoint(Orchestrator orchestrator, Consumer<Runnable> background) {
		this(orchestrator, background, null);
	}

	/**
	 * @param orchestrator the orchestrator
	 * @param background runs long phases (backfill) off the request thread
	 * @param access the access granted to this endpoint, shown in the list so that a user knows whether actions
	 * are possible, or {@code null} when unknown
	 */
	public ZdmEndpoint(Orchestrator orchestrator, Consumer<Runnable> background, @Nullable Access access) {
		this.orchestrator = orchestrator;
		this.background = background;
		this.access = access;
	}

	/** Every migration, read in a bounded number of queries, and whether actions are enabled. */
	@ReadOperation
	public MigrationsDescriptor migrations() {
		List<Instance> live = this.orchestrator.instances().live();
		List<MigrationDescriptor> migrations = this.orchestrator.overview().stream()
			.map((status) -> describe(status, null, live))
			.toList();
		return new MigrationsDescriptor(migrations, live.stream().map(InstanceDescriptor::new).toList(), actions());
	}

	/**
	 * One migration with its operations and audit log.
	 * @throws ZdmEndpointException (404) if there is no such migration
	 */
	@ReadOperation
	public MigrationDescriptor migration(@Selector String id) {
		return describe(status(id, null), this.orchestrator.events(id), this.orchestrator.instances().live());
	}

	/**
	 * Acts on a migration (see {@link #act(String, String, String, String)}), with no principal.
	 */
	@WriteOperation
	public MigrationDescriptor act(@Selector String id, @Nullable String action, @Nullable String reason) {
		return act(id, action, reason, null);
	}

	/**
	 * Acts on a migration, on behalf of {@code principal} (who the audit log names as actor):
	 * <ul>
	 * <li>{@code advance}: runs the next phase; a backfill runs in the background and the answer shows it
	 * started;</li>
	 * <li>{@code pause}, {@code resume}: pauses or resumes the backfill (with {@code reason});</li>
	 * <li>{@code cancel}: stops the backfill and rolls the migration back;</li>
	 * <li>{@code rollback}: undoes the migration (before contract);</li>
	 * <li>{@code retry}: runs again what failed: the phase, or the rollback or undo in progress;</li>
	 * <li>{@code restart}: starts a rolled-back migration again from {@code PENDING};</li>
	 * <li>{@code undo}: undoes a completed migration from its archives (a dropped column comes back).</li>
	 * </ul>
	 * @throws ZdmEndpointException when refused: 404 for an unknown migration, 400 for an unknown action, 409
	 * when the migration's state does not allow it, each with the reason
	 */
	public MigrationDescriptor act(String id, @Nullable String action, @Nullable String reason,
			@Nullable String principal) {
		if (action == null || action.isBlank()) {
			throw new ZdmEndpointException(400, id, action, "No action given: send {\"action\": \"...\"} with one of "
					+ String.join(", ", ACTIONS), ACTIONS);
		}
		if (!ACTIONS.contains(action)) {
			throw new ZdmEndpointException(400, id, action, "Unknown action '" + action + "': use one of "
					+ String.join(", ", ACTIONS), ACTIONS);
		}
		MigrationStatus status = status(id, action);
		try {
			boolean started = this.orchestrator.onBehalfOf(principal, () -> run(status, action, reason, principal));
			MigrationDescriptor descriptor = describe(status(id, action), this.orchestrator.events(id),
					this.orchestrator.instances().live());
			return started ? descriptor.inBackground() : descriptor;
		}
		catch (MigrationException | PlanException ex) {
			throw new ZdmEndpointException(409, id, action, ex.getMessage(), null);
		}
	}

	/** Runs the action; whether it goes on in the background. */
	private boolean run(MigrationStatus status, String action, @Nullable String reason, @Nullable String principal) {
		String id = status.id();
		Phase phase = status.phase();
		switch (action) {
			case "advance", "retry" -> {
				if ("retry".equals(action) && phase == Phase.ROLLING_BACK) {
					this.orchestrator.rollback(id);
				}
				else if ("retry".equals(action) && phase == Phase.UNDOING) {
					this.orchestrator.undo(id);
				}
				else if (phase == Phase.EXPANDED || phase == Phase.BACKFILLING) {
					requireNotPaused(status, action);
					// The plan must be loaded here; refuse now rather than fail in the background.
					requirePlan(id);
					this.background.accept(() -> this.orchestrator.onBehalfOf(principal, () -> this.orchestrator.advance(id)));
					return true;
				}
				else {
					this.orchestrator.advance(id);
				}
			}
			case "pause" -> this.orchestrator.pause(id, reason);
			case "resume" -> this.orchestrator.resume(id, reason);
			case "cancel" -> this.orchestrator.cancel(id, reason);
			case "rollback" -> this.orchestrator.rollback(id);
			case "restart" -> this.orchestrator.restart(id);
			case "undo" -> this.orchestrator.undo(id);
			default -> throw new IllegalStateException("Unhandled action " + action);
		}
		return false;
	}

	private static void requireNotPaused(MigrationStatus status, String action) {
		BackfillProgress progress = status.backfill();
		if (progress != null && "PAUSED".equals(progress.state())) {
			throw new MigrationException("Migration " + status.id() + ": its backfill is paused; resume it first "
					+ "(action 'resume'), then " + action);
		}
	}

	private void requirePlan(String id) {
		if (!this.orchestrator.plans().containsKey(id)) {
			throw new MigrationException("Plan " + id + " is not loaded on this instance: add its file to the plan "
					+ "locations (zdm.locations), or act on an instance that has it");
		}
	}

	private MigrationStatus status(String id, @Nullable String action) {
		try {
			return this.orchestrator.status(id);
		}
		catch (MigrationException ex) {
			throw new ZdmEndpointException(404, id, action, ex.getMessage() + ". Known migrations: "
					+ knownIds(), null);
		}
	}

	private String knownIds() {
		List<String> ids = this.orchestrator.overview().stream().map(MigrationStatus::id).toList();
		return ids.isEmpty() ? "none" : String.join(", ", ids);
	}

	private ActionsDescriptor actions() {
		if (this.access == null) {
			return null;
		}
		boolean enabled = this.access == Access.UNRESTRICTED;
		return new ActionsDescriptor(enabled, this.access, ACTIONS, enabled
				? "POST /actuator/zdm/{id} with {\"action\": \"<one of actions>\"} (and an optional \"reason\")"
				: "Actions are disabled: POST /actuator/zdm/{id} answers 405 Method Not Allowed until "
						+ "management.endpoint.zdm.access=unrestricted");
	}

	private MigrationDescriptor describe(MigrationStatus status, @Nullable List<MigrationEvent> events,
			List<Instance> live) {
		Plan plan = this.orchestrator.plans().get(status.id());
		List<OperationDescriptor> operations = null;
		if (events != null && plan != null) {
			operations = plan.operations().stream().map(Operation::canonical).map(OperationDescriptor::new).toList();
		}
		return new MigrationDescriptor(status.id(), status.description(), status.phase(), status.error(),
				backfill(status), gates(status, this.orchestrator.gates(status.id(), live)), plan != null, operations,
				(events != null) ? events.stream().map(EventDescriptor::new).toList() : null, status.updatedAt(),
				(events != null) ? status.deprecatedColumns() : null, (events != null) ? status.applicationSync() : null,
				null);
	}

	private static BackfillDescriptor backfill(MigrationStatus status) {
		BackfillProgress progress = status.backfill();
		if (progress == null) {
			return null;
		}
		return new BackfillDescriptor(progress.state(), progress.rowsDone(), progress.rowsTotal(),
				Math.round(progress.rowsPerSecond() * 10) / 10.0, (progress.eta() != null) ? progress.eta().toString() : null,
				progress.ranges(), progress.rangesDone(), progress.batchSize(), progress.throttle(),
				progress.throttleReason());
	}

	/**
	 * The switch and contract gates: what the phase needs (a verified backfill, a switch) and what the live
	 * instances report (their heartbeats' readiness), with the instances that block each.
	 */
	private static List<GateDescriptor> gates(MigrationStatus status, List<Gate> instanceGates) {
		Phase phase = status.phase();
		List<GateDescriptor> gates = new ArrayList<>();
		for (Gate gate : instanceGates) {
			boolean switchGate = Gate.SWITCH.equals(gate.name());
			Phase before = switchGate ? Phase.BACKFILLED : Phase.SWITCHED;
			Phase after = switchGate ? Phase.SWITCHED : Phase.CONTRACTING;
			String state;
			String reason;
			if (phase == Phase.ROLLING_BACK || phase == Phase.ROLLED_BACK) {
				state = "closed";
				reason = "the migration is rolled back";
			}
			else if (phase.ordinal() >= after.ordinal()) {
				state = "passed";
				reason = "the migration is " + phase;
			}
			else if (phase == before) {
				state = gate.open() ? "open" : "blocked";
				reason = gate.reason();
			}
			else {
				state = "closed";
				reason = (switchGate ? "the backfill is not verified yet" : "the migration is not switched yet")
						+ (gate.open() ? "" : "; then: " + gate.reason());
			}
			gates.add(new GateDescriptor(gate.name(), state, gate.required(), reason,
					gate.blockers().stream().map((instance) -> new InstanceDescriptor(instance, status.id())).toList()));
		}
		return gates;
	}

	/**
	 * Every migration, and whether this endpoint accepts actions.
	 *
	 * @param migrations the migrations, oldest first
	 * @param actions whether actions are enabled and how to enable them, or {@code null} when unknown
	 */
	public record MigrationsDescriptor(List<MigrationDescriptor> migrations, List<InstanceDescriptor> instances,
			ActionsDescriptor actions) implements OperationResponseBody {
	}

	/**
	 * A switch or contract gate: {@code state} is {@code open} (advancing would pass it), {@code blocked} (a
	 * live instance is not ready: {@code blockers}), {@code closed} (the phase is not there yet, or the
	 * migration ended another way) or {@code passed}; {@code required} the readiness every live instance must
	 * report.
	 */
	public record GateDescriptor(String name, String state, Readiness required, String reason,
			List<InstanceDescriptor> blockers) {
	}

	/**
	 * A live application instance, from its heartbeat: {@code readiness} per migration id (for a gate's
	 * blocker, its readiness for that migration only).
	 */
	public record InstanceDescriptor(String id, String host, String version, Instant startedAt, Instant lastSeen,
			Map<String, Readiness> readiness) {

		InstanceDescriptor(Instance instance) {
			this(instance.id(), instance.host(), instance.version(), instance.startedAt(), instance.lastSeen(),
					instance.readiness());
		}

		InstanceDescriptor(Instance instance, String migrationId) {
			this(instance.id(), instance.host(), instance.version(), instance.startedAt(), instance.lastSeen(),
					Map.of(migrationId, instance.readiness(migrationId)));
		}

	}

	/**
	 * Whether actions are enabled.
	 *
	 * @param enabled whether write requests are accepted
	 * @param access the access granted to the endpoint
	 * @param names the actions
	 * @param hint how to use or enable them
	 */
	public record ActionsDescriptor(boolean enabled, Access access, List<String> names, String hint) {
	}

	/**
	 * One migration. Operations, events, deprecated columns and application sync are given for a single
	 * migration only (the list reads no catalog); {@code deprecatedColumns} are the columns new code must no
	 * longer use (hidden from the version schema, gone at contract); {@code started} is set when an action left
	 * work running in the background (a backfill).
	 */
	public record MigrationDescriptor(String id, String description, Phase phase, String error,
			BackfillDescriptor backfill, List<GateDescriptor> gates, boolean planLoaded, List<OperationDescriptor> operations,
			List<EventDescriptor> events, Instant updatedAt, List<String> deprecatedColumns, String applicationSync,
			String started) implements OperationResponseBody {

		MigrationDescriptor inBackground() {
			return new MigrationDescriptor(this.id, this.description, this.phase, this.error, this.backfill, this.gates,
					this.planLoaded, this.operations, this.events, this.updatedAt, this.deprecatedColumns,
					this.applicationSync, "the backfill runs in the background: GET /actuator/zdm/" + this.id
							+ " shows its progress");
		}

	}

	/**
	 * Backfill progress; {@code eta} is an ISO-8601 duration while the backfill runs; {@code throttle} is the
	 * response to the throttle signals firing ({@code SHRINK}, {@code SLOW}, {@code STOP}) and
	 * {@code throttleReason} why.
	 */
	public record BackfillDescriptor(String state, long rowsDone, long rowsTotal, double rowsPerSecond, String eta,
			int ranges, int rangesDone, int batchSize, String throttle, String throttleReason) {
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

	/**
	 * Why a request was refused, as the body of the answer.
	 *
	 * @param status the HTTP status: 404, 400 or 409
	 * @param error the status's reason phrase
	 * @param message what was wrong and what to do
	 * @param migration the migration asked about
	 * @param action the action asked for, or {@code null}
	 * @param validActions the actions there are, when the action was unknown or missing
	 */
	public record RefusalDescriptor(int status, String error, String message, String migration, String action,
			List<String> validActions) implements OperationResponseBody {
	}

}

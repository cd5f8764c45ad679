package dev.zdm.core.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import dev.zdm.core.backfill.BackfillEngine;
import dev.zdm.core.backfill.BackfillPausedException;
import dev.zdm.core.backfill.BackfillStoppedException;
import dev.zdm.core.backfill.BackfillProgress;
import dev.zdm.core.backfill.BackfillTarget;
import dev.zdm.core.backfill.TransformTarget;
import dev.zdm.core.catalog.CatalogReader;
import dev.zdm.core.catalog.ServerActivity;
import dev.zdm.core.ddl.DdlExecutor;
import dev.zdm.core.ddl.DdlStep;
import dev.zdm.core.instance.Instance;
import dev.zdm.core.instance.InstanceRegistry;
import dev.zdm.core.instance.Readiness;
import dev.zdm.core.operation.Backfill;
import dev.zdm.core.operation.Resolved;
import dev.zdm.core.operation.Sync;
import dev.zdm.core.operation.VersionSchema;
import dev.zdm.core.operation.VersionView;
import dev.zdm.core.plan.Operation;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.plan.PlanException;
import dev.zdm.core.plan.PlanProblem;
import dev.zdm.core.sql.QualifiedName;
import dev.zdm.core.state.BackfillControl;
import dev.zdm.core.state.MigrationEvent;
import dev.zdm.core.state.MigrationLock;
import dev.zdm.core.state.MigrationRecord;
import dev.zdm.core.state.MigrationSummaries;
import dev.zdm.core.state.StateStore;
import dev.zdm.core.transform.RowTransform;
import dev.zdm.core.transform.TransformRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives migrations through their phases:
 * {@code PENDING → EXPANDING → EXPANDED → BACKFILLING → BACKFILLED → SWITCHED → CONTRACTING → COMPLETED},
 * or {@code ROLLING_BACK → ROLLED_BACK} from any phase before {@code CONTRACTING}.
 * <p>
 * The phase lives in PostgreSQL, so any instance can pick a migration up. Transitions of one migration are
 * serialised across instances with an advisory lock ({@link MigrationLock}); every transaction that changes
 * the migration or its schema objects first proves, under a row lock on the migration, that this instance
 * still holds it and that the migration is in the phase the work belongs to ({@link StateStore#fence}), so
 * an instance whose lock connection ended cannot act on a migration another instance has taken over. Each
 * operation's DDL for a phase commits in one transaction together with the record that it was done, so a
 * phase interrupted by a crash is finished by calling the same method again. Backfills run outside the
 * lock so that several instances share them.
 */
public final class Orchestrator {

	private static final Logger logger = LoggerFactory.getLogger(Orchestrator.class);

	private final DataSource dataSource;

	private final ZdmSettings settings;

	private final StateStore state;

	private final DdlExecutor ddl;

	private final BackfillEngine backfill;

	private final PlanValidator validator;

	private final OperationResolver resolver;

	private final StepLedger ledger;

	private final ContractGuard guard;

	private final MigrationUndo undo;

	private final Map<String, Plan> plans = new ConcurrentHashMap<>();

	private final TransformRegistry transforms;

	private final Map<String, ApplicationSync> applicationSyncs = new ConcurrentHashMap<>();

	private final InstanceRegistry instances;

	/** The migrations whose backfill this orchestrator runs right now: never two runs of one at once. */
	private final Set<String> backfilling = ConcurrentHashMap.newKeySet();

	public Orchestrator(DataSource dataSource, ZdmSettings settings) {
		this(dataSource, settings, TransformRegistry.NONE);
	}

	/**
	 * An orchestrator whose plans may name the Java transforms of {@code transforms}
	 * ({@code replaceColumns {transform: ...}}).
	 */
	public Orchestrator(DataSource dataSource, ZdmSettings settings, TransformRegistry transforms) {
		this.transforms = transforms;
		this.dataSource = dataSource;
		this.settings = settings;
		this.state = new StateStore(dataSource, settings.schema());
		this.ddl = new DdlExecutor(dataSource, settings.ddl(), settings.listener());
		this.backfill = new BackfillEngine(dataSource, this.state, settings.backfill(), settings.listener(),
				settings.instanceId());
		this.validator = new PlanValidator(dataSource, settings.schema(), transforms);
		this.resolver = new OperationResolver(this.state, settings.schema());
		this.ledger = new StepLedger(dataSource, this.state, this.ddl);
		this.guard = new ContractGuard(dataSource, this.state, this.ddl, this.backfill, this.resolver, this.ledger,
				transforms);
		this.undo = new MigrationUndo(dataSource, settings, this.state, this.ddl, this.backfill, this.ledger);
		this.instances = new InstanceRegistry(dataSource, this.state, settings.instanceTimeout());
	}

	/**
	 * The application instances on this database and their heartbeats: what the switch and contract gates
	 * read. The starter sends this instance's heartbeats; used alone, zdm registers no instance and the gates
	 * hold.
	 */
	public InstanceRegistry instances() {
		return this.instances;
	}

	/**
	 * The switch and contract gates of a migration as the live instances stand now (in that order): which
	 * readiness each needs, whether every live instance reports it, and which do not. The phase is not part of
	 * it: a switch also needs a verified backfill.
	 */
	public List<Gate> gates(String id) {
		phaseOf(id);
		return gates(id, this.instances.live());
	}

	/**
	 * The gates of a migration against instances already read ({@link InstanceRegistry#live()}), so that a list
	 * of migrations reads the instances once.
	 */
	public List<Gate> gates(String id, List<Instance> live) {
		Plan plan = this.plans.get(id);
		return List.of(switchGate(id, plan, live), contractGate(id, live));
	}

	private Gate switchGate(String id, Plan plan, List<Instance> live) {
		// Without the plan this instance cannot tell who syncs: it assumes the application must.
		boolean application = plan == null || applicationSync(plan, Phase.BACKFILLED) != null;
		if (!application) {
			return new Gate(Gate.SWITCH, Readiness.UNAWARE, true, List.of(),
					"zdm's triggers keep both shapes in step, whatever the instances run");
		}
		return gate(id, Gate.SWITCH, Readiness.SYNCS_BOTH, live);
	}

	private static Gate contractGate(String id, List<Instance> live) {
		return gate(id, Gate.CONTRACT, Readiness.READS_NEW, live);
	}

	private static Gate gate(String id, String name, Readiness required, List<Instance> live) {
		if (live.isEmpty()) {
			return new Gate(name, required, true, List.of(), "no live instance is registered");
		}
		List<Instance> blockers = live.stream().filter((instance) -> !instance.readiness(id).atLeast(required)).toList();
		if (blockers.isEmpty()) {
			return new Gate(name, required, true, List.of(), "every live instance (" + live.size() + ") reports "
					+ required + " or above");
		}
		return new Gate(name, required, false, blockers, blockers.size() + " of " + live.size()
				+ " live instances report less than " + required + ": " + blockers(id, blockers));
	}

	private static String blockers(String id, List<Instance> blockers) {
		return blockers.stream().map((instance) -> instance.describe() + " is " + instance.readiness(id))
			.collect(Collectors.joining("; "));
	}

	/**
	 * Refuses the transition when {@code gate} is blocked, naming the blockers and the fix. Gates are read
	 * under the migration's lock, just before the transition; an instance that starts later is the deploy's
	 * to hold back.
	 */
	private void requireOpen(String id, Gate gate) {
		if (gate.open()) {
			return;
		}
		String blockers = blockers(id, gate.blockers());
		String count = gate.blockers().size() + " live instance" + ((gate.blockers().size() == 1) ? "" : "s");
		String message;
		if (Gate.SWITCH.equals(gate.name())) {
			message = "Migration " + id + " cannot switch: the switch gate needs every live instance to keep both "
					+ "shapes in step (" + Readiness.SYNCS_BOTH + " or above), since the application, not a trigger, "
					+ "syncs this migration; " + count + " cannot: " + blockers + ". Deploy a version of the application "
					+ "that declares it syncs " + id + " (@DualWrite on its writes, zdm.schema-version: " + id
					+ ", or zdm.instance.readiness." + id + "=syncs-both), or stop those instances; then advance again.";
		}
		else {
			message = "Migration " + id + " cannot contract: the contract gate needs every live instance off the old "
					+ "shape (" + Readiness.READS_NEW + " or above), and contract drops what the old shape uses; " + count
					+ ((gate.blockers().size() == 1) ? " still uses it: " : " still use it: ") + blockers + ". Deploy a version of the application written for the new shape "
					+ "(zdm.schema-version: " + id + ", or zdm.instance.readiness." + id + "=reads-new for code that "
					+ "only reads the new shape) and stop the instances of the old one; then advance again.";
		}
		message += " An instance that stops heartbeating drops out after " + this.instances.timeout().toSeconds()
				+ " s.";
		logger.warn(message);
		throw new MigrationGateException(message, gate);
	}

	/**
	 * Stops this orchestrator's backfills, running or asked for later, until {@link #resumeAfterStop()}: each
	 * finishes and commits its batch in flight, gives up its leases at once (other instances take its ranges
	 * over without waiting for the leases to expire), and its {@link #advance} throws
	 * {@link MigrationStoppedException}, which is not recorded as the migration's error: the migration stays
	 * {@code BACKFILLING}. Returns at once. For a graceful shutdown: stop, wait for the advances to end, then
	 * {@code instances().leave(...)}.
	 */
	public void stop() {
		this.backfill.stop();
	}

	/** Lets this orchestrator run backfills again after {@link #stop()}. */
	public void resumeAfterStop() {
		this.backfill.resumeAfterStop();
	}

	/** Whether this orchestrator was {@linkplain #stop() stopped}. */
	public boolean isStopped() {
		return this.backfill.isStopped();
	}

	/** Creates or upgrades zdm's state schema. */
	public void install() {
		this.state.install();
	}

	public ZdmSettings settings() {
		return this.settings;
	}

	/**
	 * Registers {@code plan} with this instance and, if the migration is new, validates it against the
	 * catalog and records it as {@link Phase#PENDING}. A plan whose checksum differs from the one the
	 * migration was started with is refused, unless the migration was rolled back, in which case it is
	 * started afresh.
	 * @throws PlanException if the plan does not fit the database, or was changed after start
	 */
	public MigrationStatus start(Plan plan) {
		Optional<MigrationRecord> existing = this.state.find(plan.id());
		if (existing.isPresent()) {
			MigrationRecord record = existing.get();
			if (!record.checksum().equals(plan.checksum())) {
				if (record.phase() != Phase.ROLLED_BACK) {
					throw new PlanException(plan.id(), List.of(new PlanProblem(plan.source(), 0, 0, 0, null,
							"was changed after migration " + plan.id() + " started (it is " + record.phase()
									+ "; started from " + record.source() + "). Restore the original plan, or roll the "
									+ "migration back first, or give the changed plan a new id.")));
				}
				this.validator.validate(plan, true);
				restart(plan, record);
			}
			this.plans.put(plan.id(), plan);
			return status(plan.id());
		}
		List<PlanProblem> warnings = this.validator.validate(plan, true).warnings();
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			if (this.state.insert(connection, plan.id(), plan.checksum(), plan.description(), plan.source(),
					this.settings.instanceId())) {
				for (PlanProblem warning : warnings) {
					this.state.event(connection, plan.id(), "warning", null, null, this.settings.instanceId(),
							warning.toString());
				}
			}
			connection.commit();
		}
		catch (SQLException ex) {
			throw new MigrationException("Could not register migration " + plan.id() + ": " + ex.getMessage(), ex);
		}
		this.plans.put(plan.id(), plan);
		logger.info("Migration {} registered ({} operations, from {})", plan.id(), plan.operations().size(),
				plan.source());
		return status(plan.id());
	}

	private void restart(Plan plan, MigrationRecord record) {
		// Instances starting together with the changed plan: the first restarts it, the others find it done.
		withLock(plan.id(), Duration.ofSeconds(30), (lock) -> this.ddl.inTransaction("restart " + plan.id(),
				(connection) -> {
					this.state.fence(connection, lock, "restart it");
					if (this.state.restart(connection, plan.id(), plan.checksum(), plan.description(), plan.source())) {
						this.state.event(connection, plan.id(), "restart", record.phase(), Phase.PENDING,
								this.settings.instanceId(), "plan changed after rollback; now from " + plan.source());
					}
				}));
	}

	/**
	 * Starts a rolled-back migration again from {@link Phase#PENDING}, with the plan loaded on this instance
	 * (validated again first): advancing it then runs every phase afresh. The restart is recorded in the
	 * audit log with this instance as its actor.
	 * @throws MigrationException if the migration is in any phase but {@link Phase#ROLLED_BACK}
	 * @throws PlanException if the plan no longer fits the database
	 */
	public MigrationStatus restart(String id) {
		Plan plan = plan(id);
		requireRolledBack(id, phaseOf(id));
		this.validator.validate(plan, true);
		withLock(id, (lock) -> this.ddl.inTransaction("restart " + id, (connection) -> {
			requireRolledBack(id, this.state.fence(connection, lock, "restart it").phase());
			this.state.restart(connection, id, plan.checksum(), plan.description(), plan.source());
			this.state.event(connection, id, "restart", Phase.ROLLED_BACK, Phase.PENDING, this.settings.instanceId(),
					"restarted with the plan from " + plan.source());
		}));
		logger.info("Migration {}: {} -> {} (restart)", id, Phase.ROLLED_BACK, Phase.PENDING);
		phaseChanged(id, Phase.ROLLED_BACK, Phase.PENDING);
		return status(id);
	}

	private static void requireRolledBack(String id, Phase phase) {
		if (phase == Phase.ROLLED_BACK) {
			return;
		}
		String advice = switch (phase) {
			case COMPLETED -> "it completed: to change the schema further, write a new plan with a new id";
			case ROLLING_BACK -> "it is rolling back: call rollback again to finish it, then restart it";
			case CONTRACTING -> "it is contracting: advance it to finish";
			case UNDOING -> "it is being undone: call undo again to finish it";
			case UNDONE -> "it was undone: to run the change again, give the plan a new id";
			default -> "it is still running: advance it, or roll it back first";
		};
		throw new MigrationException("Migration " + id + " is " + phase
				+ ": only a rolled-back migration can be restarted; " + advice);
	}

	/** The plans registered with this instance, by id. */
	public Map<String, Plan> plans() {
		return Map.copyOf(this.plans);
	}

	/** The state of one migration. */
	public MigrationStatus status(String id) {
		MigrationRecord record = this.state.find(id)
			.orElseThrow(() -> new MigrationException("No migration " + id + " was started"));
		return status(record);
	}

	/** The phase alone: what the orchestrator checks, without the catalog reads of a full status. */
	private Phase phaseOf(String id) {
		return this.state.find(id)
			.orElseThrow(() -> new MigrationException("No migration " + id + " was started"))
			.phase();
	}

	/** The state of every migration zdm knows, oldest first. */
	public List<MigrationStatus> statuses() {
		return this.state.findAll().stream().map(this::status).toList();
	}

	/**
	 * The state of every migration zdm knows, oldest first, in two queries whatever their number: one on
	 * zdm's state tables, one for the planner's row estimates of the tables being backfilled. For lists and
	 * polling (an endpoint, a health check, gauges). Unlike {@link #statuses()} it reads no catalog per
	 * migration, so its statuses carry no {@code deprecatedColumns} and no {@code applicationSync}, and a
	 * backfill's {@code rowsTotal} is estimated from the tables of the operations its passes serve.
	 */
	public List<MigrationStatus> overview() {
		return withConnection((connection) -> {
			List<MigrationSummaries.MigrationSummary> summaries = new MigrationSummaries(this.state).read(connection);
			Map<MigrationSummaries.MigrationSummary, List<QualifiedName>> tables = new LinkedHashMap<>();
			for (MigrationSummaries.MigrationSummary summary : summaries) {
				Plan plan = this.plans.get(summary.record().id());
				List<QualifiedName> passTables = new ArrayList<>();
				if (plan != null && showsProgress(summary.record().phase())) {
					for (MigrationSummaries.PassTotals pass : summary.passes()) {
						int index = pass.operationIndex();
						if (index >= 1 && index <= plan.operations().size()) {
							passTables.add(plan.operations().get(index - 1).table());
						}
					}
				}
				tables.put(summary, passTables);
			}
			Map<QualifiedName, Long> estimates = new CatalogReader(connection)
				.estimatedRows(tables.values().stream().flatMap(List::stream).toList());
			List<MigrationStatus> statuses = new ArrayList<>(summaries.size());
			for (MigrationSummaries.MigrationSummary summary : summaries) {
				MigrationRecord record = summary.record();
				BackfillProgress progress = null;
				// A backfill paused before it started shows its state too.
				boolean controlled = summary.control() != null && record.phase().ordinal() < Phase.BACKFILLING.ordinal();
				if (this.plans.containsKey(record.id()) && (showsProgress(record.phase()) || controlled)) {
					progress = progress(summary, tables.get(summary).stream().mapToLong((table) -> estimates.getOrDefault(table, 0L)).sum());
				}
				statuses.add(new MigrationStatus(record.id(), record.description(), record.phase(), record.error(),
						progress, record.updatedAt(), List.of(), null));
			}
			return statuses;
		});
	}

	private static boolean showsProgress(Phase phase) {
		return phase.ordinal() >= Phase.BACKFILLING.ordinal() && phase.ordinal() <= Phase.CONTRACTING.ordinal();
	}

	private static BackfillProgress progress(MigrationSummaries.MigrationSummary summary, long estimate) {
		int ranges = 0;
		int done = 0;
		long rows = 0;
		for (MigrationSummaries.PassTotals pass : summary.passes()) {
			ranges += pass.ranges();
			done += pass.rangesDone();
			rows += pass.rowsDone();
		}
		long total = Math.max(estimate, rows);
		BackfillControl control = summary.control();
		if (control == null) {
			return new BackfillProgress(ranges, done, rows, total);
		}
		double rate = (control.rowsPerSecond() != null) ? control.rowsPerSecond() : 0;
		Duration eta = (rate > 0 && done < ranges) ? Duration.ofMillis((long) ((total - rows) * 1000 / rate)) : null;
		return new BackfillProgress(ranges, done, rows, total, control.state(), rate, eta,
				(control.batchSize() != null) ? control.batchSize() : 0, control.throttle(), control.throttleReason());
	}

	/**
	 * The sessions waiting for locks on {@code tables} and how far replication is behind, read in two queries on
	 * zdm's data source: what gauges of migrated tables show.
	 */
	public ServerActivity.Snapshot activity(java.util.Collection<QualifiedName> tables) {
		return withConnection((connection) -> {
			ServerActivity activity = new ServerActivity(connection);
			return new ServerActivity.Snapshot(activity.lockWaiters(tables), activity.replicationLag());
		});
	}

	/**
	 * Runs {@code action} (calls of this orchestrator on this thread) on behalf of {@code principal}: the
	 * audit log names the principal as the actor of what it records, and this instance in the detail. A
	 * {@code null} principal changes nothing.
	 */
	public <T> T onBehalfOf(String principal, java.util.function.Supplier<T> action) {
		return this.state.onBehalfOf(principal, action);
	}

	private MigrationStatus status(MigrationRecord record) {
		BackfillProgress progress = null;
		Plan plan = this.plans.get(record.id());
		if (plan != null && record.phase().ordinal() >= Phase.BACKFILLING.ordinal()
				&& record.phase().ordinal() <= Phase.CONTRACTING.ordinal()) {
			progress = this.backfill.progress(record.id(), backfillTargetsOrEmpty(plan));
		}
		List<String> deprecated = List.of();
		if (plan != null && record.phase().ordinal() >= Phase.EXPANDING.ordinal()
				&& record.phase().ordinal() <= Phase.CONTRACTING.ordinal()) {
			deprecated = deprecatedColumns(plan);
		}
		return new MigrationStatus(record.id(), record.description(), record.phase(), record.error(), progress,
				record.updatedAt(), deprecated, (plan != null) ? applicationSync(plan, record.phase()) : null);
	}

	/** The columns the operations hide from the version schema: new code must no longer use them. */
	private List<String> deprecatedColumns(Plan plan) {
		try {
			return withConnection((connection) -> {
				List<String> columns = new ArrayList<>();
				for (int i = 1; i <= plan.operations().size(); i++) {
					VersionView view = resolve(connection, plan, i).view();
					view.hidden().stream().sorted().forEach((column) -> columns.add(view.table() + "." + column));
				}
				return columns;
			});
		}
		catch (RuntimeException ex) {
			// An operation that no longer resolves (its column already dropped in contract) hides nothing more.
			return List.of();
		}
	}

	/**
	 * What the application must write while the migration runs, when an operation is kept in step by the
	 * application rather than by triggers ({@link Sync.Application}); {@code null} otherwise.
	 */
	private String applicationSync(Plan plan, Phase phase) {
		if (phase.isFinal() || phase.ordinal() > Phase.CONTRACTING.ordinal()) {
			return null;
		}
		try {
			return withConnection((connection) -> {
				List<String> requirements = new ArrayList<>();
				for (int i = 1; i <= plan.operations().size(); i++) {
					try {
						if (resolve(connection, plan, i).sync() instanceof Sync.Application application) {
							requirements.add(describe(plan, i) + ": " + application.requirement());
						}
					}
					catch (RuntimeException ex) {
						// Contracted already (its old columns are gone), or its table is: nothing left to keep in step.
					}
				}
				return requirements.isEmpty() ? null : String.join("; ", requirements);
			});
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	/**
	 * The application-side sync of migration {@code id}, for writers that keep the two shapes of a Java
	 * transform's columns in step themselves ({@code @DualWrite}). One per migration and orchestrator; its
	 * phase cache follows this orchestrator's transitions. The migration's plan must be registered
	 * ({@link #start}) by the time a write needs syncing.
	 */
	public ApplicationSync applicationSync(String id) {
		return this.applicationSyncs.computeIfAbsent(id, (key) -> new ApplicationSync(key,
				() -> this.state.find(key).map(MigrationRecord::phase), () -> {
					Plan plan = this.plans.get(key);
					if (plan == null) {
						throw new MigrationException("no plan with id " + key + " is registered on this instance: put it "
								+ "with the application's plans (zdm.locations) so that the instance starts it");
					}
					return transformPasses(plan);
				}, ApplicationSync.DEFAULT_REFRESH_INTERVAL, java.time.Clock.systemUTC(), this.settings.listener()));
	}

	/** Tells the listener, and the application-side sync of the migration, that it moved. */
	private void phaseChanged(String id, Phase from, Phase to) {
		ApplicationSync sync = this.applicationSyncs.get(id);
		if (sync != null) {
			sync.phaseChanged(to);
		}
		this.settings.listener().phaseChanged(id, from, to);
	}

	/** A migration's audit log. */
	public List<MigrationEvent> events(String id) {
		return this.state.events(id);
	}

	/**
	 * Runs the next phase of a migration: expand from {@code PENDING}, backfill and verify from
	 * {@code EXPANDED}, switch from {@code BACKFILLED}, contract from {@code SWITCHED}; an interrupted phase
	 * is finished. Returns the status after it.
	 */
	public MigrationStatus advance(String id) {
		Plan plan = plan(id);
		Phase phase = phaseOf(id);
		try {
			switch (phase) {
				case PENDING, EXPANDING -> expand(plan);
				case EXPANDED, BACKFILLING -> backfill(plan);
				case BACKFILLED -> switchOver(plan);
				case SWITCHED, CONTRACTING -> contract(plan);
				case COMPLETED, ROLLED_BACK, UNDONE -> throw new MigrationException("Migration " + id + " is " + phase
						+ ": there is nothing to advance" + ((phase == Phase.ROLLED_BACK) ? "; restart it to run it again" : ""));
				case UNDOING -> throw new MigrationException("Migration " + id + " is being undone: call undo again to "
						+ "finish it");
				case ROLLING_BACK -> throw new MigrationException("Migration " + id
						+ " is rolling back: call rollback again to finish it");
			}
		}
		catch (MigrationException | PlanException ex) {
			if (!(ex instanceof MigrationBusyException) && !(ex instanceof MigrationPausedException)
					&& !(ex instanceof MigrationGateException) && !(ex instanceof MigrationStoppedException)
					&& !phase.isFinal() && phase != Phase.ROLLING_BACK) {
				this.state.recordError(id, "advance", this.settings.instanceId(), ex.getMessage());
			}
			throw ex;
		}
		catch (RuntimeException ex) {
			this.state.recordError(id, "advance", this.settings.instanceId(), ex.getMessage());
			throw ex;
		}
		return status(id);
	}

	/** Advances a migration until it reaches {@code target} (or fails). */
	public MigrationStatus advanceTo(String id, Phase target) {
		MigrationStatus status = status(id);
		while (status.phase().ordinal() < target.ordinal() && !status.phase().isFinal()
				&& status.phase() != Phase.ROLLING_BACK) {
			status = advance(id);
		}
		return status;
	}

	/**
	 * Undoes a migration from any phase before {@code CONTRACTING}: drops everything zdm added, leaving the
	 * original columns with every write made meanwhile.
	 */
	public MigrationStatus rollback(String id) {
		Plan plan = plan(id);
		try {
			withLock(id, (lock) -> {
				Phase phase = phaseOf(id);
				if (phase == Phase.ROLLED_BACK) {
					return;
				}
				if (!phase.canRollBack()) {
					throw new MigrationException("Migration " + id + " is " + phase
							+ ": rollback is possible only before contract starts");
				}
				if (phase != Phase.ROLLING_BACK) {
					// Withdrawing the ranges with the transition stops running backfills at their next batch.
					this.ddl.inTransaction(id + ": " + phase + " -> " + Phase.ROLLING_BACK, (connection) -> {
						this.state.fence(connection, lock, plan.checksum(), "start rolling it back", phase);
						this.backfill.delete(connection, id);
						VersionSchema.of(id).drop(connection);
						this.state.transition(connection, id, phase, Phase.ROLLING_BACK, "rollback",
								this.settings.instanceId());
					});
					logger.info("Migration {}: {} -> {}", id, phase, Phase.ROLLING_BACK);
					phaseChanged(id, phase, Phase.ROLLING_BACK);
				}
				List<Operation> operations = plan.operations();
				for (int i = operations.size(); i >= 1; i--) {
					int index = i;
					if (!this.ledger.isDone(id, "rollback:" + index)) {
						requireHeld(lock, "roll back " + describe(plan, index));
						withConnection((connection) -> resolve(connection, plan, index)).outside().rollback()
							.forEach(this.ddl::run);
					}
					this.ledger.run(lock, plan, Phase.ROLLING_BACK, "rollback:" + index, "rollback " + describe(plan, index),
							(connection) -> {
								DdlExecutor.apply(connection, resolve(connection, plan, index).rollback());
								return null;
							});
				}
				this.ddl.inTransaction("finish rollback of " + id, (connection) -> {
					this.state.fence(connection, lock, plan.checksum(), "finish rolling it back", Phase.ROLLING_BACK);
					this.backfill.delete(connection, id);
					this.state.transition(connection, id, Phase.ROLLING_BACK, Phase.ROLLED_BACK, "rollback",
							this.settings.instanceId());
				});
				phaseChanged(id, Phase.ROLLING_BACK, Phase.ROLLED_BACK);
			});
		}
		catch (RuntimeException ex) {
			if (!(ex instanceof MigrationBusyException)) {
				this.state.recordError(id, "rollback", this.settings.instanceId(), ex.getMessage());
			}
			throw ex;
		}
		return status(id);
	}

	/**
	 * Pauses a migration's backfill: every instance stops after its batch in flight and gives up its leases,
	 * so a paused backfill holds no lease, lock or open transaction. The pause is kept in zdm's state tables
	 * (it survives restarts) and recorded in the audit log; advancing a paused migration's backfill refuses
	 * until {@link #resume}. Possible before and while the backfill runs.
	 * @param reason why, for the audit log and the status, or {@code null}
	 */
	public MigrationStatus pause(String id, String reason) {
		return control(id, BackfillControl.PAUSED, "pause", reason);
	}

	/**
	 * Resumes a paused backfill: advancing the migration then goes on from each range's checkpoint.
	 */
	public MigrationStatus resume(String id, String reason) {
		return control(id, BackfillControl.RUNNING, "resume", reason);
	}

	/**
	 * Cancels a migration's backfill: every instance stops after its batch in flight, then the migration is
	 * rolled back ({@link #rollback}), which drops what zdm added and keeps every write.
	 */
	public MigrationStatus cancel(String id, String reason) {
		control(id, BackfillControl.CANCELLED, "cancel", reason);
		return rollback(id);
	}

	private MigrationStatus control(String id, String state, String action, String reason) {
		plan(id);
		Phase phase = phaseOf(id);
		if (phase != Phase.EXPANDED && phase != Phase.BACKFILLING && phase != Phase.PENDING
				&& phase != Phase.EXPANDING) {
			throw new MigrationException("Migration " + id + " is " + phase + ": only a backfill that has not finished "
					+ "can be " + ((BackfillControl.RUNNING.equals(state)) ? "resumed" : action + "ed")
					+ ((phase.ordinal() > Phase.BACKFILLING.ordinal() && phase.canRollBack()) ? "; roll it back instead" : ""));
		}
		this.ddl.inTransaction(action + " backfill of " + id, (connection) -> {
			String previous = this.backfill.control(connection, id, state, reason, this.settings.instanceId());
			this.state.event(connection, id, action, phase, phase, this.settings.instanceId(),
					"backfill " + previous + " -> " + state + ((reason != null) ? ": " + reason : ""));
		});
		logger.info("Migration {}: backfill {} ({})", id, state, (reason != null) ? reason : "no reason given");
		return status(id);
	}

	/**
	 * Undoes a {@link Phase#COMPLETED} migration from what its operations kept (the archive of a dropped column):
	 * {@code COMPLETED → UNDOING → UNDONE}, recorded in the audit log; an interrupted undo is finished by calling
	 * it again.
	 * @throws MigrationException with the reason, changing nothing, if the migration is not {@code COMPLETED} or
	 * one of its operations cannot be undone (it has no undo; its archive expired; the column's name is taken)
	 */
	public MigrationStatus undo(String id) {
		Plan plan = plan(id);
		try {
			this.undo.undo(plan);
		}
		catch (BackfillStoppedException ex) {
			throw new MigrationStoppedException("Migration " + id + ": " + ex.getMessage());
		}
		catch (RuntimeException ex) {
			if (!(ex instanceof MigrationBusyException) && phaseOf(id) == Phase.UNDOING) {
				this.state.recordError(id, "undo", this.settings.instanceId(), ex.getMessage());
			}
			throw ex;
		}
		return status(id);
	}

	/**
	 * Deletes the archives of dropped columns kept longer than {@link ZdmSettings#archiveRetention()}, of
	 * migrations that are over (never of one being undone); returns how many were deleted.
	 */
	public int expireArchives() {
		return this.undo.expireArchives();
	}

	private void expand(Plan plan) {
		withLock(plan.id(), (lock) -> {
			Phase phase = phaseOf(plan.id());
			if (phase != Phase.PENDING && phase != Phase.EXPANDING) {
				return;
			}
			this.validator.validate(plan, phase == Phase.PENDING);
			transition(lock, plan, phase, Phase.EXPANDING, "advance");
			for (int i = 1; i <= plan.operations().size(); i++) {
				int index = i;
				this.ledger.run(lock, plan, Phase.EXPANDING, OperationResolver.expandStep(index),
						"expand " + describe(plan, index), (connection) -> {
							Resolved resolved = resolve(connection, plan, index);
							DdlExecutor.apply(connection, resolved.expand());
							return resolved.memo().encode();
						});
				// After the memo committed, so that a rollback knows that what these build is zdm's.
				String outside = OperationResolver.expandStep(index) + ":outside";
				if (!this.ledger.isDone(plan.id(), outside)) {
					List<DdlStep> steps = withConnection((connection) -> resolve(connection, plan, index))
						.outside().expand();
					if (!steps.isEmpty()) {
						requireHeld(lock, "finish the expand of " + describe(plan, index));
						steps.forEach(this.ddl::run);
						this.ledger.run(lock, plan, Phase.EXPANDING, outside, "expand " + describe(plan, index)
								+ " outside a transaction", (connection) -> null);
					}
				}
			}
			String views = "create version schema " + VersionSchema.name(plan.id());
			this.ledger.run(lock, plan, Phase.EXPANDING, "expand:views", views, (connection) -> {
				List<VersionView> shown = new ArrayList<>();
				for (int i = 1; i <= plan.operations().size(); i++) {
					shown.add(resolve(connection, plan, i).view());
				}
				VersionSchema.of(plan.id()).create(connection, shown);
				return null;
			});
			transition(lock, plan, Phase.EXPANDING, Phase.EXPANDED, "advance");
		});
	}

	private void backfill(Plan plan) {
		String id = plan.id();
		Map<Integer, BackfillTarget> targets = backfillTargets(plan);
		Map<Integer, TransformTarget.Pass> transformPasses = transformPasses(plan);
		withLock(id, (lock) -> {
			Phase phase = phaseOf(id);
			if (phase != Phase.EXPANDED && phase != Phase.BACKFILLING) {
				return;
			}
			this.ddl.inTransaction("plan backfill of " + id, (connection) -> {
				this.state.fence(connection, lock, plan.checksum(), "plan its backfill", phase);
				for (Map.Entry<Integer, BackfillTarget> entry : targets.entrySet()) {
					this.backfill.plan(connection, id, entry.getKey(), entry.getValue(),
							transformPasses.containsKey(entry.getKey()));
				}
				this.state.transition(connection, id, phase, Phase.BACKFILLING, "advance", this.settings.instanceId());
			});
			if (phase != Phase.BACKFILLING) {
				phaseChanged(id, phase, Phase.BACKFILLING);
			}
		});
		if (phaseOf(id) != Phase.BACKFILLING) {
			return;
		}
		long started = System.nanoTime();
		long rows;
		if (!this.backfilling.add(id)) {
			throw new MigrationBusyException("Migration " + id + " is backfilling on this instance already (another "
					+ "request or the scheduler started it): follow its progress in the status");
		}
		try {
			rows = this.backfill.run(id, targets, transformPasses);
		}
		catch (BackfillPausedException ex) {
			throw new MigrationPausedException("Migration " + id + ": " + ex.getMessage());
		}
		catch (BackfillStoppedException ex) {
			logger.info("Migration {}: {}", id, ex.getMessage());
			throw new MigrationStoppedException("Migration " + id + ": " + ex.getMessage());
		}
		finally {
			this.backfilling.remove(id);
		}
		logger.info("Backfill of {}: this instance wrote {} rows in {} ms", id, rows,
				(System.nanoTime() - started) / 1_000_000);
		withLock(id, Duration.ofMinutes(10), (lock) -> {
			if (phaseOf(id) != Phase.BACKFILLING) {
				return;
			}
			// SQL passes: what their batches verified (or a scan); transform passes: compared in Java.
			Map<Integer, BackfillTarget> sqlTargets = new LinkedHashMap<>(targets);
			sqlTargets.keySet().removeAll(transformPasses.keySet());
			BackfillEngine.Verification verification = this.backfill.verify(id, sqlTargets);
			long mismatches = verification.mismatches();
			long nulls = verification.nullViolations();
			long left = verification.removable();
			for (Map.Entry<Integer, TransformTarget.Pass> entry : transformPasses.entrySet()) {
				BackfillTarget target = targets.get(entry.getKey());
				TransformTarget.Pass transform = entry.getValue();
				BackfillEngine.Matches differing = this.backfill.findTransformMismatches(transform, 5);
				if (differing.count() > 0) {
					this.ddl.inTransaction("reset backfill of " + id, (connection) -> {
						this.state.fence(connection, lock, plan.checksum(), "reset its backfill", Phase.BACKFILLING);
						this.backfill.reset(connection, id);
					});
					throw new MigrationException("Verification of " + id + " found " + differing.count() + " rows of "
							+ target.table() + " whose new columns differ from what transform '"
							+ transform.target().transformName() + "' computes from their old columns (keys "
							+ String.join(", ", differing.examples()) + "): a writer wrote one shape alone, or the transform "
							+ "is not deterministic. The backfill was reset: make every writer write both shapes in one "
							+ "statement (or stop it), then advance again; or roll the migration back.");
				}
				if (target.notNullViolation() != null) {
					nulls += this.backfill.count(target, target.notNullViolation());
				}
			}
			if (nulls > 0) {
				throw new MigrationException("Verification of " + id + " found " + nulls + " rows whose new value is NULL "
						+ "although the column is NOT NULL: 'up' gives NULL for them. Roll the migration back and fix 'up' "
						+ "(or the data) before starting it again.");
			}
			if (left > 0) {
				this.ddl.inTransaction("reset backfill of " + id, (connection) -> {
					this.state.fence(connection, lock, plan.checksum(), "reset its backfill", Phase.BACKFILLING);
					this.backfill.reset(connection, id);
				});
				throw new MigrationException("Verification of " + id + " found " + left + " rows that the plan's policy "
						+ "removes (orphans, duplicates) written while the backfill ran; the backfill was reset: advance again "
						+ "to remove them too.");
			}
			if (mismatches > 0) {
				this.ddl.inTransaction("reset backfill of " + id, (connection) -> {
					this.state.fence(connection, lock, plan.checksum(), "reset its backfill", Phase.BACKFILLING);
					this.backfill.reset(connection, id);
				});
				throw new MigrationException("Verification of " + id + " found " + mismatches
						+ " rows whose new value differs from 'up' of the old; the backfill was reset: advance again to "
						+ "rerun it. If it keeps failing, check that 'up' and 'down' are deterministic inverses.");
			}
			logger.info("Backfill of {} verified: 0 rows differ", id);
			transition(lock, plan, Phase.BACKFILLING, Phase.BACKFILLED, "advance");
		});
	}

	private void switchOver(Plan plan) {
		withLock(plan.id(), (lock) -> {
			if (phaseOf(plan.id()) != Phase.BACKFILLED) {
				return;
			}
			requireOpen(plan.id(), switchGate(plan.id(), plan, this.instances.live()));
			for (int i = 1; i <= plan.operations().size(); i++) {
				int index = i;
				String step = "switch:" + index;
				if (this.ledger.isDone(plan.id(), step)) {
					continue;
				}
				requireHeld(lock, "prepare the switch of " + describe(plan, index));
				withConnection((connection) -> resolve(connection, plan, index)).beforeSwitch().forEach(this.ddl::run);
				this.ledger.run(lock, plan, Phase.BACKFILLED, step, "switch " + describe(plan, index),
						(connection) -> {
							DdlExecutor.apply(connection, resolve(connection, plan, index).switchOver());
							return null;
						});
			}
			transition(lock, plan, Phase.BACKFILLED, Phase.SWITCHED, "advance");
		});
	}

	private void contract(Plan plan) {
		withLock(plan.id(), (lock) -> {
			Phase phase = phaseOf(plan.id());
			if (phase != Phase.SWITCHED && phase != Phase.CONTRACTING) {
				return;
			}
			if (phase == Phase.SWITCHED) {
				// A contract that started finishes: what it dropped already cannot come back by waiting.
				requireOpen(plan.id(), contractGate(plan.id(), this.instances.live()));
			}
			// What can fail without harm (validating constraints) runs before CONTRACTING, while rollback is
			// still possible.
			for (int i = 1; i <= plan.operations().size(); i++) {
				int index = i;
				if (!this.ledger.isDone(plan.id(), ContractGuard.contractStep(index))) {
					requireHeld(lock, "prepare the contract of " + describe(plan, index));
					withConnection((connection) -> resolve(connection, plan, index)).beforeContract()
						.forEach(this.ddl::run);
				}
			}
			this.guard.verifyInStep(plan, phase);
			if (phase == Phase.SWITCHED) {
				this.guard.rehearse(lock, plan);
			}
			transition(lock, plan, phase, Phase.CONTRACTING, "advance");
			for (int i = 1; i <= plan.operations().size(); i++) {
				int index = i;
				String step = ContractGuard.contractStep(index);
				if (this.ledger.isDone(plan.id(), step)) {
					continue;
				}
				Resolved resolved = withConnection((connection) -> resolve(connection, plan, index));
				if (!resolved.outside().contract().isEmpty()) {
					requireHeld(lock, "contract " + describe(plan, index));
					resolved.outside().contract().forEach(this.ddl::run);
				}
				this.ledger.run(lock, plan, Phase.CONTRACTING, step, "contract " + describe(plan, index), (connection) -> {
					ContractGuard.apply(connection, resolved);
					return null;
				});
			}
			this.ddl.inTransaction("finish contract of " + plan.id(), (connection) -> {
				this.state.fence(connection, lock, plan.checksum(), "finish its contract", Phase.CONTRACTING);
				this.backfill.delete(connection, plan.id());
				VersionSchema.of(plan.id()).drop(connection);
				this.state.transition(connection, plan.id(), Phase.CONTRACTING, Phase.COMPLETED, "advance",
						this.settings.instanceId());
			});
			phaseChanged(plan.id(), Phase.CONTRACTING, Phase.COMPLETED);
		});
	}

	private Plan plan(String id) {
		Plan plan = this.plans.get(id);
		if (plan == null) {
			throw new MigrationException("Plan " + id + " is not loaded on this instance: start it (or add its file to "
					+ "the plan locations) first");
		}
		return plan;
	}

	/**
	 * The plan's backfill passes, each under the index of the first operation it serves: the SQL assignments of
	 * several operations of one table share one pass where {@link BackfillTarget#combine} allows.
	 */
	private Map<Integer, BackfillTarget> backfillTargets(Plan plan) {
		return withConnection((connection) -> {
			Map<Integer, BackfillTarget> targets = new LinkedHashMap<>();
			Map<Integer, Boolean> combinable = new LinkedHashMap<>();
			for (int i = 1; i <= plan.operations().size(); i++) {
				Optional<Backfill> found = resolve(connection, plan, i).backfill();
				if (found.isEmpty()) {
					continue;
				}
				Backfill backfill = found.get();
				boolean assignment = backfill instanceof Backfill.SqlAssignment;
				// Only the table's latest pass may take it: an earlier one runs before passes it could depend on.
				Map.Entry<Integer, BackfillTarget> latest = null;
				for (Map.Entry<Integer, BackfillTarget> pass : targets.entrySet()) {
					if (pass.getValue().table().equals(backfill.target().table())) {
						latest = pass;
					}
				}
				Optional<BackfillTarget> combined = (assignment && latest != null && combinable.get(latest.getKey()))
						? latest.getValue().combine(backfill.target()) : Optional.empty();
				if (combined.isPresent()) {
					latest.setValue(combined.get());
				}
				else {
					targets.put(i, backfill.target());
					combinable.put(i, assignment);
				}
			}
			return targets;
		});
	}

	/**
	 * The plan's passes computed by a Java transform, under the same index as in {@link #backfillTargets},
	 * each with its transform from the registry.
	 * @throws MigrationException if a transform is not registered on this instance
	 */
	private Map<Integer, TransformTarget.Pass> transformPasses(Plan plan) {
		return withConnection((connection) -> {
			Map<Integer, TransformTarget.Pass> passes = new LinkedHashMap<>();
			for (int i = 1; i <= plan.operations().size(); i++) {
				Optional<Backfill> found = resolve(connection, plan, i).backfill();
				if (found.isPresent() && found.get() instanceof Backfill.Transform transform) {
					passes.put(i, transform.transform().with(transform(plan, i, transform.transform().transformName())));
				}
			}
			return passes;
		});
	}

	private RowTransform transform(Plan plan, int index, String name) {
		return this.transforms.find(name).orElseThrow(() -> new MigrationException(describe(plan, index)
				+ " names the Java transform '" + name + "', which is not registered on this instance: register it in the "
				+ "TransformRegistry given to the Orchestrator, then advance again."));
	}

	private Map<Integer, BackfillTarget> backfillTargetsOrEmpty(Plan plan) {
		try {
			return backfillTargets(plan);
		}
		catch (RuntimeException ex) {
			return Map.of();
		}
	}

	private Resolved resolve(Connection connection, Plan plan, int index) throws SQLException {
		return this.resolver.resolve(connection, plan, index);
	}

	private static String describe(Plan plan, int index) {
		return OperationResolver.describe(plan, index);
	}

	private void transition(MigrationLock lock, Plan plan, Phase from, Phase to, String action) {
		String id = plan.id();
		if (from == to) {
			return;
		}
		this.ddl.inTransaction(id + ": " + from + " -> " + to, (connection) -> {
			this.state.fence(connection, lock, plan.checksum(), "move it from " + from + " to " + to, from);
			this.state.transition(connection, id, from, to, action, this.settings.instanceId());
		});
		logger.info("Migration {}: {} -> {}", id, from, to);
		phaseChanged(id, from, to);
	}

	@FunctionalInterface
	private interface ConnectionWork<T> {

		T run(Connection connection) throws SQLException;

	}

	private <T> T withConnection(ConnectionWork<T> work) {
		try (Connection connection = this.dataSource.getConnection()) {
			return work.run(connection);
		}
		catch (SQLException ex) {
			throw new MigrationException(ex.getMessage(), ex);
		}
	}

	@FunctionalInterface
	private interface LockedWork {

		void run(MigrationLock lock) throws SQLException;

	}

	private void withLock(String id, LockedWork work) {
		withLock(id, Duration.ZERO, work);
	}

	/**
	 * Runs {@code work} holding the migration's advisory lock, waiting up to {@code wait} for another
	 * instance to release it.
	 */
	private void withLock(String id, Duration wait, LockedWork work) {
		try (MigrationLock lock = this.state.lock(id, wait)) {
			work.run(lock);
		}
		catch (SQLException ex) {
			throw new MigrationException("Migration " + id + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Fails fast when the lock is lost, before work that cannot run in a fenced transaction (index builds
	 * {@code CONCURRENTLY}); the transactions that follow are fenced anyway.
	 */
	private static void requireHeld(MigrationLock lock, String what) {
		if (!lock.isHeld()) {
			throw new MigrationBusyException("Migration " + lock.migrationId() + ": this instance no longer holds the "
					+ "migration's lock (its connection ended), so it did not " + what + ": another instance may be "
					+ "changing the migration. Check its status, then advance or roll back again.");
		}
	}

}

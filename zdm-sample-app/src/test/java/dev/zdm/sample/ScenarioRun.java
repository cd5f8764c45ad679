package dev.zdm.sample;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.zdm.core.backfill.BackfillSettings;
import dev.zdm.core.backfill.ThrottleSettings;
import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.Phase;
import dev.zdm.core.migration.ZdmSettings;
import dev.zdm.core.operation.VersionSchema;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.plan.PlanLoader;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.transform.TransformRegistry;
import dev.zdm.testing.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One run of a guide scenario's sample plan ({@code db/zdm/*.yaml} of the sample app) on a database of its
 * own holding the sample app's schema and data, while four sessions write: two as code written for the old
 * shape (the tables), two as code written for the new shape (the version schema) until contract. Each
 * session owns the ids congruent to its number, so the last value written to every row is known exactly
 * and checked after: every row the sessions wrote, through the final shape (or the old one after a
 * rollback), and every seeded row they did not touch, by the scenario's query.
 */
final class ScenarioRun implements AutoCloseable {

	/** Rows 1 to this are updated by the sessions; seeded rows above are left alone and checked as seeded. */
	static final long UPDATED_IDS = 1_000;

	private static final long FIRST_INSERTED_ID = 10_000_000;

	/** The rows the scenarios' checks expect: 50,000 users and products, 20,000 rows of every other table. */
	static final SampleProperties.Seed SEED = new SampleProperties.Seed(50_000, 50_000, 20_000, 20_000, 20_000, 20_000);

	/** How a scenario's table is written and read, through the old and the new shape. */
	interface Shape {

		/** {@code INSERT} of (id, value) through the old ({@code false}) or new ({@code true}) shape. */
		String insert(boolean newShape);

		/** {@code UPDATE} setting the value (parameter 1) of the row whose id is parameter 2. */
		String update(boolean newShape);

		/** The value written for sequence number {@code n}. */
		Object value(long n, boolean newShape);

		/** The text the final shape ({@code true}) or the old shape holds for a value written as {@code n}. */
		String text(long n, boolean finalShape);

		/** A query of the value of the row whose id is parameter 1 as text, in the final or old shape. */
		String read(boolean finalShape);

		/**
		 * Whether the migration may delete rows the sessions update (a policy removing duplicates): an update
		 * then finds no row, and the row leaves the check. Otherwise an update that finds no row is a failure.
		 */
		default boolean rowsMayVanish() {
			return false;
		}

	}

	private final TestDatabase db = TestDatabase.create();

	private final Orchestrator orchestrator;

	private final Plan plan;

	private final Shape shape;

	private final AtomicBoolean oldRunning = new AtomicBoolean(true);

	private final AtomicBoolean newRunning = new AtomicBoolean(true);

	private final List<Thread> oldThreads = new ArrayList<>();

	private final List<Thread> newThreads = new ArrayList<>();

	private final List<Throwable> failures = new CopyOnWriteArrayList<>();

	private final Map<Long, Long> written = new ConcurrentHashMap<>();

	private final AtomicLong writes = new AtomicLong();

	private final AtomicLong newShapeWrites = new AtomicLong();

	ScenarioRun(String planFile, Shape shape) {
		this("db/zdm/" + planFile, shape, TransformRegistry.NONE);
	}

	/** A run of the plan at {@code planResource} (a classpath path) whose Java transforms are {@code transforms}. */
	ScenarioRun(String planResource, Shape shape, TransformRegistry transforms) {
		this.shape = shape;
		for (String statement : DemoData.schema()) {
			this.db.execute(statement);
		}
		for (String statement : DemoData.statements(SEED)) {
			this.db.execute(statement);
		}
		this.plan = new PlanLoader().load(resource(planResource), planResource);
		// The active-sessions signal off: the run's writers insert as fast as they can, so they are always 4 sessions
		// at work, and a backfill slowed to a seventeenth of its pace would take long; a pass whose last range stays
		// open would chase their inserts (docs/backfill.md). These runs check what every row holds, not politeness.
		this.orchestrator = new Orchestrator(this.db.dataSource(), ZdmSettings.defaults()
			.withBackfill(BackfillSettings.defaults().withThrottle(ThrottleSettings.defaults().withMaxActiveSessions(0))),
				transforms);
		this.orchestrator.install();
		this.orchestrator.start(this.plan);
	}

	TestDatabase db() {
		return this.db;
	}

	Orchestrator orchestrator() {
		return this.orchestrator;
	}

	String id() {
		return this.plan.id();
	}

	/** Expands the plan, then starts the sessions: old code at once, new code on the version schema. */
	ScenarioRun expandAndWrite() {
		assertThat(this.orchestrator.advance(id()).phase()).isEqualTo(Phase.EXPANDED);
		for (int s = 0; s < 4; s++) {
			int session = s;
			Thread thread = new Thread(() -> write(session, session >= 2), "scenario-writer-" + s);
			thread.start();
			((session >= 2) ? this.newThreads : this.oldThreads).add(thread);
		}
		awaitWrites(200);
		return this;
	}

	/** Advances to {@code target}, letting the sessions write between phases. */
	ScenarioRun advanceTo(Phase target) {
		while (this.orchestrator.status(id()).phase().ordinal() < target.ordinal()) {
			Phase next = this.orchestrator.advance(id()).phase();
			if (next == Phase.SWITCHED) {
				// A deploy of the new code: the old code's sessions stop before contract drops the old shape.
				awaitWrites(200);
				this.oldRunning.set(false);
				this.oldThreads.forEach(ScenarioRun::join);
			}
			awaitWrites(200);
		}
		assertThat(this.orchestrator.status(id()).phase()).isEqualTo(target);
		return this;
	}

	/**
	 * Rolls the migration back while the old code's sessions write: the new code is withdrawn first, as a
	 * rollback of its deploy does, since rollback drops the shape it writes.
	 */
	ScenarioRun rollBack() {
		return rollBack(null);
	}

	/**
	 * {@link #rollBack()}, running {@code sql} once the new code is withdrawn, before the rollback (what an
	 * operator does first: give the rows new code inserted a value for a column it could not see).
	 */
	ScenarioRun rollBack(String sql) {
		awaitWrites(200);
		this.newRunning.set(false);
		this.newThreads.forEach(ScenarioRun::join);
		if (sql != null) {
			this.db.execute(sql);
		}
		assertThat(this.orchestrator.rollback(id()).phase()).isEqualTo(Phase.ROLLED_BACK);
		stopAll();
		return this;
	}

	/**
	 * Stops every session after some more writes: code that writes both shapes itself (a Java transform's)
	 * cannot keep its statements across contract, which drops the old columns they name.
	 */
	ScenarioRun stopWriting() {
		awaitWrites(200);
		stopAll();
		return this;
	}

	/** Stops every session, then checks that the final (or, after a rollback, old) shape holds each last write. */
	ScenarioRun assertEveryWrittenRow(boolean finalShape) {
		stopAll();
		assertThat(this.failures).as("failures of the writing sessions").isEmpty();
		assertThat(this.newShapeWrites.get()).as("writes through the version schema").isPositive();
		List<String> wrong = new ArrayList<>();
		try (Connection connection = this.db.dataSource().getConnection();
				PreparedStatement statement = connection.prepareStatement(this.shape.read(finalShape))) {
			for (Map.Entry<Long, Long> row : this.written.entrySet()) {
				statement.setLong(1, row.getKey());
				try (ResultSet rs = statement.executeQuery()) {
					String expected = this.shape.text(row.getValue(), finalShape);
					String actual = rs.next() ? rs.getString(1) : "<no row>";
					if (!expected.equals(actual)) {
						wrong.add("id " + row.getKey() + ": " + actual + " instead of " + expected);
					}
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		assertThat(wrong).as(this.written.size() + " rows written").isEmpty();
		assertThat(this.written.size()).isGreaterThan(100);
		return this;
	}

	/** Checks a count over the table that must be zero (seeded rows the sessions did not touch, say). */
	ScenarioRun assertNone(String countQuery) {
		assertThat(this.db.queryLong(countQuery)).as(countQuery).isZero();
		return this;
	}

	private void write(int session, boolean newShape) {
		AtomicBoolean running = newShape ? this.newRunning : this.oldRunning;
		ThreadLocalRandom random = ThreadLocalRandom.current();
		long nextInsert = FIRST_INSERTED_ID + session * 1_000_000L;
		try (Connection connection = this.db.dataSource().getConnection()) {
			if (newShape) {
				try (Statement statement = connection.createStatement()) {
					statement.execute("SET search_path = " + Identifier.quote(VersionSchema.name(id())) + ", public");
				}
			}
			while (running.get()) {
				long n = this.writes.incrementAndGet();
				if (random.nextBoolean()) {
					long id = nextInsert++;
					try (PreparedStatement statement = connection.prepareStatement(this.shape.insert(newShape))) {
						statement.setLong(1, id);
						statement.setObject(2, this.shape.value(n, newShape));
						statement.executeUpdate();
					}
					this.written.put(id, n);
				}
				else {
					long id = 1 + (random.nextLong(UPDATED_IDS / 4) * 4) + session;
					try (PreparedStatement statement = connection.prepareStatement(this.shape.update(newShape))) {
						statement.setObject(1, this.shape.value(n, newShape));
						statement.setLong(2, id);
						if (statement.executeUpdate() == 1) {
							this.written.put(id, n);
						}
						else if (this.shape.rowsMayVanish()) {
							this.written.remove(id);
						}
						else {
							throw new IllegalStateException("row " + id + " is gone: the update found no row");
						}
					}
				}
				if (newShape) {
					this.newShapeWrites.incrementAndGet();
				}
			}
		}
		catch (Throwable ex) {
			this.failures.add(ex);
		}
	}

	private void awaitWrites(long count) {
		long until = this.writes.get() + count;
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
			.until(() -> this.writes.get() >= until || !this.failures.isEmpty()
					|| !(this.oldRunning.get() || this.newRunning.get()));
	}

	private void stopAll() {
		this.oldRunning.set(false);
		this.newRunning.set(false);
		this.oldThreads.forEach(ScenarioRun::join);
		this.newThreads.forEach(ScenarioRun::join);
	}

	private static void join(Thread thread) {
		try {
			thread.join(30_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static String resource(String name) {
		try (InputStream in = ScenarioRun.class.getClassLoader().getResourceAsStream(name)) {
			assertThat(in).as(name).isNotNull();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		stopAll();
		this.db.close();
	}

}

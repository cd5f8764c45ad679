package dev.zdm.core.operation;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.zdm.core.backfill.BackfillSettings;
import dev.zdm.core.backfill.ThrottleSettings;
import dev.zdm.core.catalog.CatalogReader;
import dev.zdm.core.ddl.DdlExecutor;
import dev.zdm.core.ddl.DdlSettings;
import dev.zdm.core.migration.MigrationException;
import dev.zdm.core.migration.MigrationListener;
import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.Phase;
import dev.zdm.core.migration.ZdmSettings;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.sql.Identifier;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The contract every operation keeps, proved on a real PostgreSQL (as ShedLock's
 * {@code AbstractLockProviderIntegrationTest} proves each lock provider): each phase can run twice, a crash
 * at any step is finished by advancing again, rollback from every phase before contract leaves the table as
 * it was plus the writes made meanwhile, writes through the old and the new shape both land while sessions
 * run, and no application statement waits longer than the lock timeout while no scan runs under
 * {@code ACCESS EXCLUSIVE}.
 * <p>
 * A subclass gives the fixture: a table with an {@code id bigint} primary key, the plan, and how a value
 * {@code n} is written through the old shape (the table as old code sees it) and through the new shape
 * (the version schema, as new code sees it), and how it reads after contract and after rollback. Values are
 * chosen so that {@code n} means the same through either shape: the expected row then depends on the last
 * {@code n} written alone. Initial rows hold {@code n = id}.
 * <p>
 * An operation that renames, creates or drops a table says so through hooks rather than skipping a test:
 * the name new code uses ({@link #newShapeTable}), where the rows are once it completed ({@link #finalTable},
 * none once a table is dropped), the relations it creates ({@link #createdRelations}), and whether old code
 * can still write during the migration ({@link #writableDuringMigration}: not once {@code dropTable} has put
 * the table aside, which the tests then prove instead).
 */
@ExtendWith(PostgresExtension.class)
public abstract class AbstractOperationContractTests {

	/** Rows of the lock-bound test (the issue asks for at least 100k). */
	private static final int LOCK_ROWS = 100_000;

	/** Rows of the other tests: enough for several backfill batches, small enough to be quick. */
	private static final int ROWS = 300;

	private static final Duration LOCK_TIMEOUT = Duration.ofMillis(300);

	/** Scheduling margin on a loaded 2-core machine (as LockSafetyTests allows). */
	private static final Duration MARGIN = Duration.ofMillis(700);

	private static final Pattern CRASH = Pattern.compile("simulated crash \\[([0-9a-f]{32})\\]");

	private final TestDatabase db;

	protected AbstractOperationContractTests(TestDatabase db) {
		this.db = db;
	}

	// ---- the fixture ----

	/** {@code CREATE TABLE <table> (id bigint PRIMARY KEY, ...)}, with whatever the operation must carry. */
	protected abstract List<String> createTable(String table);

	/** Inserts rows {@code 1..rows}, row {@code id} holding {@code n = id}. */
	protected abstract String fill(String table, int rows);

	/** The plan (one operation on {@code table}). */
	protected abstract Plan plan(String id, String table);

	/** The old column, as old code writes it. */
	protected abstract String oldColumn();

	/** The column under its name once the migration completes (as new code writes it through the version schema). */
	protected abstract String finalColumn();

	/** SQL literal of value {@code n} for the old column. */
	protected abstract String oldLiteral(long n);

	/** SQL literal of value {@code n} for the new column. */
	protected abstract String newLiteral(long n);

	/** {@code n} as the completed migration's column reads ({@code ::text}). */
	protected abstract String finalText(long n);

	/** {@code n} as the old column reads ({@code ::text}) after a rollback. */
	protected abstract String oldText(long n);

	/**
	 * The phases in which the operation runs DDL, so that the crash test must see a crash in each: an
	 * operation with nothing to switch (or nothing before contract) narrows this.
	 */
	protected Set<String> phasesWithDdl() {
		return Set.of("EXPANDING", "BACKFILLED", "SWITCHED", "CONTRACTING");
	}

	/** The fewest crashes the crash test must see (one per DDL statement of the operation, at least). */
	protected int minimumCrashes() {
		return 6;
	}

	/**
	 * Whether the operation still resolves once completed (its table keeps what it names), so that its
	 * contract steps outside a transaction can be run again: not for a column copy, whose old column is gone.
	 */
	protected boolean resolvesAfterCompletion() {
		return false;
	}

	/** The name new code writes the table under, through the version schema: the table's own, but for a rename. */
	protected String newShapeTable(String table) {
		return table;
	}

	/**
	 * The name of the table once the migration completed, or {@code null} when the operation drops it: then
	 * no relation of zdm's is left either, and the lock test's sessions stop once the table is out of reach.
	 */
	protected String finalTable(String table) {
		return table;
	}

	/**
	 * The relations the operation creates (a table): absent before, present once it completed, gone after a
	 * rollback; part of the catalog the rollback test compares.
	 */
	protected List<String> createdRelations(String table) {
		return List.of();
	}

	/**
	 * Whether old code still writes the table through its name while the migration runs. Not for an operation
	 * that puts the table out of reach in expand (dropTable): the tests then assert that such writes fail from
	 * expand on, and that nothing was written meanwhile.
	 */
	protected boolean writableDuringMigration() {
		return true;
	}

	/** Whether the operation scans the table (an index build, a validation, a backfill), for the lock test. */
	protected boolean scans() {
		return true;
	}

	// ---- the contract ----

	@Test
	void everyPhaseRunTwiceChangesNothingTheFirstRunDidNot() throws Exception {
		String table = "t_twice";
		String id = "contract-twice";
		setUp(table, ROWS);
		Orchestrator zdm = orchestrator(this.db.dataSource());
		Plan plan = plan(id, table);
		zdm.start(plan);
		DdlExecutor ddl = new DdlExecutor(this.db.dataSource(), DdlSettings.defaults(), new MigrationListener() {
		});

		assertThat(zdm.advance(id).phase()).isEqualTo(Phase.EXPANDED);
		String expanded = fingerprint(table);
		Resolved resolved = resolve(plan);
		assertThat(resolved.memo().encode()).isEqualTo(storedMemo(id));
		ddl.run(resolved.expand());
		resolved.outside().expand().forEach(ddl::run);
		assertThat(fingerprint(table)).isEqualTo(expanded);
		assertThat(resolve(plan).memo().encode()).isEqualTo(storedMemo(id));

		assertThat(zdm.advanceTo(id, Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
		String switched = fingerprint(table);
		resolved = resolve(plan);
		resolved.beforeSwitch().forEach(ddl::run);
		ddl.run(resolved.switchOver());
		assertThat(fingerprint(table)).isEqualTo(switched);

		resolved.beforeContract().forEach(ddl::run);
		String prepared = fingerprint(table);
		resolve(plan).beforeContract().forEach(ddl::run);
		assertThat(fingerprint(table)).isEqualTo(prepared);

		assertThat(zdm.advance(id).phase()).isEqualTo(Phase.COMPLETED);
		String completed = fingerprint(table);
		if (resolvesAfterCompletion()) {
			resolve(plan).outside().contract().forEach(ddl::run);
			assertThat(fingerprint(table)).isEqualTo(completed);
		}
		assertThatThrownBy(() -> zdm.advance(id)).isInstanceOf(MigrationException.class)
			.hasMessageContaining("nothing to advance");
		assertThat(fingerprint(table)).isEqualTo(completed);
		assertCompleted(table, initialValues(ROWS));
	}

	@Test
	void aCrashAtEveryStepIsFinishedByAdvancingAgain() {
		String table = "t_crash";
		String id = "contract-crash";
		setUp(table, ROWS);
		Orchestrator zdm = orchestrator(this.db.dataSource());
		zdm.start(plan(id, table));
		Set<String> crashedIn = new LinkedHashSet<>();
		int crashes = 0;
		armCrashes(id, "%");
		try {
			for (int attempt = 0; zdm.status(id).phase() != Phase.COMPLETED; attempt++) {
				assertThat(attempt).as("advances").isLessThan(300);
				try {
					zdm.advance(id);
				}
				catch (RuntimeException ex) {
					String key = crashKey(ex);
					crashedIn.add(zdm.status(id).phase().name());
					this.db.execute("INSERT INTO crash_seen VALUES ('" + key + "')");
					crashes++;
				}
			}
		}
		finally {
			disarmCrashes();
		}
		// Every phase with DDL crashed in each of its steps, and resumed.
		assertThat(crashedIn).containsAll(phasesWithDdl());
		assertThat(crashes).isGreaterThanOrEqualTo(minimumCrashes());
		assertThat(zdm.status(id).error()).isNull();
		assertCompleted(table, initialValues(ROWS));
	}

	@Test
	void rollbackFromEveryPhaseBeforeContractLeavesTheTableAsBeforeWithTheWritesMadeMeanwhile() {
		List<String> phases = List.of("EXPANDING", "EXPANDED", "BACKFILLED", "SWITCHED");
		for (int i = 0; i < phases.size(); i++) {
			Phase phase = Phase.valueOf(phases.get(i));
			String table = "t_back_" + i;
			String id = "contract-back-" + i;
			setUp(table, ROWS);
			String before = fingerprint(table);
			Orchestrator zdm = orchestrator(this.db.dataSource());
			zdm.start(plan(id, table));
			if (phase == Phase.EXPANDING) {
				// Interrupted expand: its first step committed, the version schema's did not.
				armCrashes(id, "CREATE SCHEMA%");
				try {
					assertThatThrownBy(() -> zdm.advance(id)).hasMessageContaining("simulated crash");
				}
				finally {
					disarmCrashes();
				}
			}
			else {
				zdm.advanceTo(id, phase);
			}
			assertThat(zdm.status(id).phase()).isEqualTo(phase);
			Map<Long, Long> expected = initialValues(ROWS);
			if (!writableDuringMigration()) {
				assertThatThrownBy(() -> writeOld(table, 1, 1001, new HashMap<>())).as("a write after expand")
					.hasMessageContaining("does not exist");
			}
			for (long row = 1; row <= 5 && writableDuringMigration(); row++) {
				writeOld(table, row, 1000 + row, expected);
			}
			if (writableDuringMigration()) {
				insertOld(table, ROWS + 1, 1000 + ROWS + 1, expected);
			}
			if (phase != Phase.EXPANDING && writableDuringMigration()) {
				for (long row = 6; row <= 10; row++) {
					writeNew(id, table, row, 2000 + row, expected);
				}
				insertNew(id, table, ROWS + 2, 2000 + ROWS + 2, expected);
			}
			assertThat(zdm.rollback(id).phase()).isEqualTo(Phase.ROLLED_BACK);
			assertThat(zdm.rollback(id).phase()).isEqualTo(Phase.ROLLED_BACK);
			assertThat(fingerprint(table)).as("catalog after rollback from %s", phase).isEqualTo(before);
			assertThat(this.db.queryLong("SELECT count(*) FROM pg_namespace WHERE nspname = ?", VersionSchema.name(id)))
				.isZero();
			assertThat(this.db.queryLong("SELECT count(*) FROM pg_proc WHERE proname LIKE ?",
					ObjectNames.base(id, 1) + "%")).isZero();
			assertRows(table, oldColumn(), expected, this::oldText);
		}
	}

	@Test
	void writesThroughTheOldAndTheNewShapeLandWhileSessionsRun() throws Exception {
		String table = "t_shapes";
		String id = "contract-shapes";
		setUp(table, ROWS);
		Orchestrator zdm = orchestrator(this.db.dataSource());
		zdm.start(plan(id, table));
		assertThat(zdm.advance(id).phase()).isEqualTo(Phase.EXPANDED);
		if (!writableDuringMigration()) {
			// No code can write the table unseen once expand put it aside: a write fails, loudly.
			assertThatThrownBy(() -> writeOld(table, 1, 1001, new HashMap<>())).hasMessageContaining("does not exist");
			assertThatThrownBy(() -> insertOld(table, ROWS + 1, 1, new HashMap<>())).hasMessageContaining("does not exist");
			assertThat(zdm.advanceTo(id, Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
			assertCompleted(table, initialValues(ROWS));
			return;
		}
		Map<Long, Long> expected = new ConcurrentHashMap<>(initialValues(ROWS));
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		AtomicBoolean oldRunning = new AtomicBoolean(true);
		AtomicBoolean newRunning = new AtomicBoolean(true);
		AtomicLong[] writes = { new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong() };
		List<Thread> sessions = new ArrayList<>();
		for (int s = 0; s < 4; s++) {
			int session = s;
			boolean newShape = s >= 2;
			Thread thread = new Thread(() -> {
				long n = 1_000_000L * (session + 1);
				try (Connection connection = this.db.dataSource().getConnection();
						Statement statement = connection.createStatement()) {
					if (newShape) {
						statement.execute("SET search_path = " + Identifier.quote(VersionSchema.name(id)) + ", public");
					}
					AtomicBoolean running = newShape ? newRunning : oldRunning;
					while (running.get()) {
						long row = ThreadLocalRandom.current().nextLong(ROWS / 4) * 4 + session + 1;
						n++;
						String column = newShape ? finalColumn() : oldColumn();
						String value = newShape ? newLiteral(n) : oldLiteral(n);
						String target = newShape ? newShapeTable(table) : table;
						statement.executeUpdate("UPDATE " + target + " SET " + column + " = " + value + " WHERE id = " + row);
						expected.put(row, n);
						writes[session].incrementAndGet();
					}
				}
				catch (SQLException | RuntimeException ex) {
					failures.add(ex);
				}
			}, "shape-writer-" + s);
			thread.start();
			sessions.add(thread);
		}
		try {
			await().until(() -> allAtLeast(writes, 20));
			assertThat(zdm.advanceTo(id, Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
			long[] atSwitch = snapshot(writes);
			await().until(() -> allAbove(writes, atSwitch, 20));
			// Old code is gone before contract.
			oldRunning.set(false);
			sessions.get(0).join();
			sessions.get(1).join();
			assertThat(zdm.advance(id).phase()).isEqualTo(Phase.COMPLETED);
			long[] atContract = snapshot(writes);
			// New code keeps writing, now to the table itself.
			await().until(() -> writes[2].get() > atContract[2] + 20 && writes[3].get() > atContract[3] + 20);
		}
		finally {
			oldRunning.set(false);
			newRunning.set(false);
			for (Thread thread : sessions) {
				thread.join();
			}
		}
		assertThat(failures).isEmpty();
		assertCompleted(table, expected);
	}

	@Test
	void noApplicationStatementWaitsLongerThanTheLockTimeoutAndNoScanRunsUnderAccessExclusive() throws Exception {
		String table = "t_lock";
		String id = "contract-lock";
		setUp(table, LOCK_ROWS);
		this.db.execute("ALTER TABLE " + table + " ADD COLUMN note text", "ANALYZE " + table);
		PGSimpleDataSource zdmSource = dataSource("zdm-contract-lock");
		// The active-sessions signal off: the 4 sessions below would slow the backfill to a seventeenth of its pace. At
		// full pace (larger batches, more row locks at once) the bound is harder to keep, and the run is shorter.
		Orchestrator zdm = new Orchestrator(zdmSource, ZdmSettings.defaults()
			.withDdl(DdlSettings.defaults().withLockTimeout(LOCK_TIMEOUT).withMaxAttempts(100)
				.withBackoff(Duration.ofMillis(50), Duration.ofMillis(400)))
			.withBackfill(BackfillSettings.defaults().withThrottle(ThrottleSettings.defaults().withMaxActiveSessions(0))));
		zdm.install();
		zdm.start(plan(id, table));
		long oid = this.db.queryLong("SELECT ?::regclass::oid", table);

		AtomicBoolean running = new AtomicBoolean(true);
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		AtomicLong longest = new AtomicLong();
		AtomicLong statements = new AtomicLong();
		List<Thread> threads = new ArrayList<>();
		for (int s = 0; s < 4; s++) {
			int session = s;
			Thread thread = new Thread(() -> {
				try (Connection connection = this.db.dataSource().getConnection();
						Statement statement = connection.createStatement()) {
					// The name old code uses until it is gone, then the table's final name (as after a deploy).
					String name = table;
					while (running.get()) {
						long row = ThreadLocalRandom.current().nextLong(LOCK_ROWS) + 1;
						String sql = (session % 2 == 0) ? "SELECT * FROM " + name + " WHERE id = " + row
								: "UPDATE " + name + " SET note = 'n" + statements.get() + "' WHERE id = " + row;
						long started = System.nanoTime();
						try {
							statement.execute(sql);
						}
						catch (SQLException ex) {
							if (!"42P01".equals(ex.getSQLState()) || !name.equals(table)) {
								throw ex;
							}
							if (finalTable(table) == null) {
								// Dropped: expand put the table out of reach, and its code is gone.
								break;
							}
							name = finalTable(table);
							continue;
						}
						longest.accumulateAndGet(System.nanoTime() - started, Math::max);
						statements.incrementAndGet();
					}
				}
				catch (SQLException | RuntimeException ex) {
					failures.add(ex);
				}
			}, "app-session-" + s);
			thread.start();
			threads.add(thread);
		}
		AtomicLong scansSeen = new AtomicLong();
		AtomicLong exclusiveDuringScan = new AtomicLong();
		List<String> offending = new CopyOnWriteArrayList<>();
		Thread sampler = new Thread(() -> {
			String scans = "a.application_name = 'zdm-contract-lock' AND a.state = 'active' AND a.datname = current_database() "
					+ "AND (a.query ILIKE '%VALIDATE CONSTRAINT%' OR a.query ILIKE 'CREATE%INDEX CONCURRENTLY%' "
					+ "OR a.query ILIKE 'UPDATE \"public\".\"" + table + "\"%' OR a.query ILIKE 'WITH \\_zdm\\_%' "
					// The count of violating rows before a validation (ViolatingRows, a DO block) scans the table too.
					+ "OR a.query ILIKE 'DO %\\_zdm\\_n%' OR a.query ILIKE 'SELECT min(%')";
			// An index build shows in pg_stat_progress_create_index for all its phases, whatever its session's state.
			String sql = "SELECT coalesce((SELECT string_agg(left(a.query, 60), ' | ') FROM pg_stat_activity a WHERE " + scans
					+ "), (SELECT 'index build: ' || p.phase FROM pg_stat_progress_create_index p WHERE p.relid = " + oid
					+ " LIMIT 1)), "
					+ "(SELECT count(*) FROM pg_locks l WHERE l.relation = " + oid + " AND l.mode = 'AccessExclusiveLock' "
					+ "AND l.granted)";
			try (Connection connection = this.db.dataSource().getConnection();
					Statement statement = connection.createStatement()) {
				while (running.get()) {
					try (var rs = statement.executeQuery(sql)) {
						rs.next();
						String scan = rs.getString(1);
						if (scan != null) {
							scansSeen.incrementAndGet();
							if (rs.getLong(2) > 0) {
								exclusiveDuringScan.incrementAndGet();
								offending.add(scan);
							}
						}
					}
				}
			}
			catch (SQLException | RuntimeException ex) {
				failures.add(ex);
			}
		}, "lock-sampler");
		sampler.start();
		try {
			await().until(() -> statements.get() > 100);
			assertThat(zdm.advanceTo(id, Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
		}
		finally {
			running.set(false);
			for (Thread thread : threads) {
				thread.join();
			}
			sampler.join();
		}
		System.out.printf("lock bound of %s on %d rows: longest application statement %d ms over %d statements "
				+ "(lock timeout %d ms); %d samples saw a scan, %d of them an ACCESS EXCLUSIVE lock%n",
				plan(id, table).operations().get(0).kind(), LOCK_ROWS, longest.get() / 1_000_000, statements.get(),
				LOCK_TIMEOUT.toMillis(), scansSeen.get(), exclusiveDuringScan.get());
		assertThat(failures).isEmpty();
		if (scans()) {
			assertThat(scansSeen.get()).as("the sampler saw the scans").isPositive();
		}
		assertThat(offending).as("ACCESS EXCLUSIVE held while a scan ran").isEmpty();
		assertThat(Duration.ofNanos(longest.get())).isLessThan(LOCK_TIMEOUT.plus(MARGIN));
		assertCompleted(table, initialValues(LOCK_ROWS));
	}

	// ---- helpers ----

	private Orchestrator orchestrator(javax.sql.DataSource dataSource) {
		Orchestrator zdm = new Orchestrator(dataSource, ZdmSettings.defaults());
		zdm.install();
		return zdm;
	}

	private void setUp(String table, int rows) {
		this.db.execute("DROP TABLE IF EXISTS " + table + " CASCADE");
		for (String other : createdRelations(table)) {
			this.db.execute("DROP TABLE IF EXISTS " + other + " CASCADE");
		}
		if (finalTable(table) != null && !finalTable(table).equals(table)) {
			this.db.execute("DROP TABLE IF EXISTS " + finalTable(table) + " CASCADE");
		}
		this.db.execute(createTable(table).toArray(String[]::new));
		this.db.execute(fill(table, rows));
	}

	private PGSimpleDataSource dataSource(String applicationName) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(this.db.jdbcUrl());
		dataSource.setUser(this.db.user());
		if (!this.db.password().isEmpty()) {
			dataSource.setPassword(this.db.password());
		}
		dataSource.setApplicationName(applicationName);
		return dataSource;
	}

	private Resolved resolve(Plan plan) throws SQLException {
		try (Connection connection = this.db.dataSource().getConnection()) {
			ResolveContext context = new ResolveContext(plan.id(), 1, plan.id() + " operation 1", Identifier.of("zdm"),
					new CatalogReader(connection), Optional.of(storedMemo(plan.id())));
			return Operations.bind(plan.operations().get(0)).resolve(context);
		}
	}

	private String storedMemo(String id) {
		return this.db.queryStrings("SELECT coalesce(detail, '') FROM zdm.zdm_step WHERE migration_id = ? AND step = 'expand:1'",
				id).get(0);
	}

	/**
	 * The shape of the table, under its name and its final name, and of the relations the operation creates, as
	 * the catalog has them: what each name is (or that it is free), columns, defaults, indexes, constraints,
	 * triggers.
	 */
	private String fingerprint(String table) {
		Set<String> names = new LinkedHashSet<>();
		names.add(table);
		if (finalTable(table) != null) {
			names.add(finalTable(table));
		}
		names.addAll(createdRelations(table));
		List<String> shapes = new ArrayList<>();
		for (String name : names) {
			shapes.add(name + ": " + this.db.queryStrings("SELECT coalesce((SELECT relkind::text FROM pg_class WHERE oid = "
					+ "to_regclass(?)), 'free')", name).get(0));
			shapes.add(shape(name));
		}
		return String.join("\n", shapes);
	}

	private String shape(String table) {
		return String.join("\n", this.db.queryStrings("""
				SELECT x FROM (
				  SELECT 'column ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' not null ' || a.attnotnull
				         || ' default ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '-') AS x
				  FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
				  WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped
				  UNION ALL SELECT 'index ' || pg_get_indexdef(i.indexrelid) || ' valid ' || i.indisvalid FROM pg_index i
				  WHERE i.indrelid = to_regclass(?)
				  UNION ALL SELECT 'constraint ' || c.conname || ' ' || pg_get_constraintdef(c.oid) FROM pg_constraint c
				  WHERE c.conrelid = to_regclass(?)
				  UNION ALL SELECT 'trigger ' || t.tgname || ' ' || t.tgenabled::text FROM pg_trigger t
				  WHERE t.tgrelid = to_regclass(?) AND NOT t.tgisinternal
				) s ORDER BY x""", table, table, table, table));
	}

	private static Map<Long, Long> initialValues(int rows) {
		Map<Long, Long> values = new HashMap<>();
		for (long row = 1; row <= rows; row++) {
			values.put(row, row);
		}
		return values;
	}

	private void writeOld(String table, long row, long n, Map<Long, Long> expected) {
		this.db.execute("UPDATE " + table + " SET " + oldColumn() + " = " + oldLiteral(n) + " WHERE id = " + row);
		expected.put(row, n);
	}

	private void insertOld(String table, long row, long n, Map<Long, Long> expected) {
		this.db.execute("INSERT INTO " + table + " (id, " + oldColumn() + ") VALUES (" + row + ", " + oldLiteral(n) + ")");
		expected.put(row, n);
	}

	private void writeNew(String id, String table, long row, long n, Map<Long, Long> expected) {
		this.db.execute("SET search_path = " + Identifier.quote(VersionSchema.name(id)) + ", public",
				"UPDATE " + newShapeTable(table) + " SET " + finalColumn() + " = " + newLiteral(n) + " WHERE id = " + row);
		expected.put(row, n);
	}

	private void insertNew(String id, String table, long row, long n, Map<Long, Long> expected) {
		this.db.execute("SET search_path = " + Identifier.quote(VersionSchema.name(id)) + ", public",
				"INSERT INTO " + newShapeTable(table) + " (id, " + finalColumn() + ") VALUES (" + row + ", " + newLiteral(n) + ")");
		expected.put(row, n);
	}

	/** Completed: the old column gone, no zdm object left, every row as last written. */
	private void assertCompleted(String originalTable, Map<Long, Long> expected) {
		for (String created : createdRelations(originalTable)) {
			assertThat(this.db.queryStrings("SELECT to_regclass(?)::text", created)).as("created %s", created)
				.containsExactly(created);
		}
		// The archives of dropped columns (and their indexes) are kept after completion, for undo, until they expire.
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_class c LEFT JOIN pg_index i ON i.indexrelid = c.oid "
				+ "WHERE c.relname LIKE 'zdm\\_contract%' AND NOT EXISTS (SELECT 1 FROM zdm.zdm_archive a WHERE "
				+ "a.expired_at IS NULL AND coalesce(i.indrelid, c.oid) = to_regclass('zdm.' || quote_ident(a.archive_table)))"))
			.as("zdm's relations").isZero();
		String table = finalTable(originalTable);
		if (table == null) {
			assertThat(this.db.queryStrings("SELECT coalesce(to_regclass(?)::text, 'gone')", originalTable))
				.containsExactly("gone");
			assertThat(this.db.queryLong("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'zdm\\_contract%'")).isZero();
			return;
		}
		if (!table.equals(originalTable)) {
			assertThat(this.db.queryStrings("SELECT coalesce(to_regclass(?)::text, 'gone')", originalTable))
				.as("the old name after contract").containsExactly("gone");
		}
		List<String> columns = this.db.queryStrings("SELECT attname FROM pg_attribute WHERE attrelid = ?::regclass "
				+ "AND attnum > 0 AND NOT attisdropped", table);
		assertThat(columns).contains(finalColumn());
		if (!oldColumn().equals(finalColumn())) {
			assertThat(columns).doesNotContain(oldColumn());
		}
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_trigger WHERE tgrelid = ?::regclass AND NOT tgisinternal",
				table)).isZero();
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'zdm\\_contract%'")).isZero();
		assertRows(table, finalColumn(), expected, this::finalText);
	}

	private void assertRows(String table, String column, Map<Long, Long> expected,
			java.util.function.LongFunction<String> text) {
		Map<Long, String> actual = new HashMap<>();
		for (List<Object> row : this.db.query("SELECT id, " + column + "::text FROM " + table)) {
			actual.put(((Number) row.get(0)).longValue(), (String) row.get(1));
		}
		Map<Long, String> wanted = new HashMap<>();
		expected.forEach((row, n) -> wanted.put(row, text.apply(n)));
		assertThat(actual).isEqualTo(wanted);
	}

	/**
	 * An event trigger that fails zdm's DDL of migration {@code id} matching {@code pattern} (a LIKE
	 * pattern), once per kind of statement (its command tag) in each step (the phase and the number of steps
	 * done tell the step): the test records each crash in {@code crash_seen}, so the next advance gets past
	 * it, to the next. A crash rolls back the step's transaction, as a process dying there would.
	 */
	private void armCrashes(String id, String pattern) {
		this.db.execute("CREATE TABLE IF NOT EXISTS crash_seen (k text PRIMARY KEY)",
				"CREATE OR REPLACE FUNCTION crash_once() RETURNS event_trigger LANGUAGE plpgsql AS $$ DECLARE _key text; BEGIN "
						+ "IF current_query() ILIKE '%TEMPORARY%' OR current_query() NOT LIKE '" + pattern.replace("'", "''")
						+ "' THEN RETURN; END IF; "
						+ "_key := md5(coalesce((SELECT phase FROM zdm.zdm_migration WHERE id = '" + id + "'), '') || ':' "
						+ "|| (SELECT count(*) FROM zdm.zdm_step WHERE migration_id = '" + id + "') || ':' || tg_tag); "
						+ "IF NOT EXISTS (SELECT 1 FROM crash_seen WHERE crash_seen.k = _key) THEN "
						+ "RAISE EXCEPTION 'simulated crash [%]', _key; END IF; END $$",
				"CREATE EVENT TRIGGER crash_once ON ddl_command_start EXECUTE FUNCTION crash_once()");
	}

	private void disarmCrashes() {
		this.db.execute("DROP EVENT TRIGGER IF EXISTS crash_once", "DROP FUNCTION IF EXISTS crash_once()");
	}

	private static String crashKey(Throwable ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			Matcher matcher = CRASH.matcher(String.valueOf(t.getMessage()));
			if (matcher.find()) {
				return matcher.group(1);
			}
		}
		throw new AssertionError("not a simulated crash", ex);
	}

	private static boolean allAtLeast(AtomicLong[] counts, long least) {
		for (AtomicLong count : counts) {
			if (count.get() < least) {
				return false;
			}
		}
		return true;
	}

	private static long[] snapshot(AtomicLong[] counts) {
		long[] values = new long[counts.length];
		for (int i = 0; i < counts.length; i++) {
			values[i] = counts[i].get();
		}
		return values;
	}

	private static boolean allAbove(AtomicLong[] counts, long[] from, long more) {
		for (int i = 0; i < counts.length; i++) {
			if (counts[i].get() < from[i] + more) {
				return false;
			}
		}
		return true;
	}

}

package dev.zdm.spring.dualwrite;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import com.zaxxer.hikari.HikariDataSource;
import dev.zdm.core.instance.Instance;
import dev.zdm.core.instance.Readiness;
import dev.zdm.core.migration.ApplicationSyncException;
import dev.zdm.core.migration.MigrationException;
import dev.zdm.core.migration.MigrationGateException;
import dev.zdm.core.migration.MigrationListener;
import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.Phase;
import dev.zdm.spring.autoconfigure.ZdmMigrationRunner;
import dev.zdm.spring.dualwrite.jdbc.KeyedRepository;
import dev.zdm.spring.dualwrite.jdbc.Person;
import dev.zdm.spring.dualwrite.jdbc.PersonRepository;
import dev.zdm.spring.dualwrite.jdbc.SplitPerson;
import dev.zdm.spring.dualwrite.jdbc.SplitPersonRepository;
import dev.zdm.spring.dualwrite.unkeyed.UnkeyedRepository;
import dev.zdm.spring.instance.ZdmReadinessContributor;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.jdbc.repository.config.EnableJdbcRepositories;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link DualWrite} on Spring Data JDBC repositories: saves synced inside and outside a transaction, one
 * sync for a {@code saveAll} of 1,000, failures that roll the write back, writes whose keys cannot be known
 * refused at start-up, eight writers racing the backfill to COMPLETED, and writes through the new shape
 * kept by a rollback after switch.
 */
@ExtendWith(PostgresExtension.class)
class DualWriteJdbcRepositoryTests {

	private static final int PEOPLE = 2_000;

	private final TestDatabase db;

	private final ApplicationContextRunner runner;

	DualWriteJdbcRepositoryTests(TestDatabase db) {
		this.db = db;
		this.runner = DualWriteContexts
			.runner(db, "org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration")
			.withUserConfiguration(Repositories.class);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableJdbcRepositories(basePackageClasses = Person.class)
	static class Repositories {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableJdbcRepositories(basePackageClasses = UnkeyedRepository.class)
	static class UnkeyedRepositories {

	}

	@BeforeEach
	void createTable() {
		DualWriteContexts.reset(this.db, "people");
		this.db.execute(SplitName.SCHEMA, "INSERT INTO people (full_name) SELECT 'First' || g || ' Last ' || g "
				+ "FROM generate_series(1, " + PEOPLE + ") g");
	}

	private static Orchestrator expanded(AssertableApplicationContext context) {
		Orchestrator zdm = context.getBean(Orchestrator.class);
		zdm.start(SplitName.plan());
		assertThat(zdm.advance(SplitName.MIGRATION).phase()).isEqualTo(Phase.EXPANDED);
		return zdm;
	}

	private String row(long id) {
		return this.db.queryStrings("SELECT concat_ws('|', full_name, first_name, last_name) FROM people WHERE id = ?", id)
			.get(0);
	}

	@Test
	void savesOutsideATransactionAreSyncedInOneStartedAroundTheCall() {
		this.runner.run((context) -> {
			Orchestrator zdm = expanded(context);
			PersonRepository people = context.getBean(PersonRepository.class);
			long syncs = zdm.applicationSync(SplitName.MIGRATION).syncCount();
			Person ada = people.save(new Person(null, "Ada King Lovelace"));
			people.save(new Person(5L, "Grace Hopper"));
			assertThat(row(ada.id())).isEqualTo("Ada King Lovelace|Ada|King Lovelace");
			assertThat(row(5)).isEqualTo("Grace Hopper|Grace|Hopper");
			// Reads and deletes need no sync.
			assertThat(people.countByFullNameStartingWith("Grace")).isOne();
			assertThat(people.findById(5L)).isPresent();
			people.deleteById(6L);
			assertThat(zdm.applicationSync(SplitName.MIGRATION).syncCount() - syncs).isEqualTo(2);
		});
	}

	@Test
	void savesInsideATransactionSyncInItAndRollBackWithIt() {
		this.runner.run((context) -> {
			expanded(context);
			PersonRepository people = context.getBean(PersonRepository.class);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			String seen = transaction.execute((status) -> {
				people.save(new Person(7L, "Alan Turing"));
				return jdbc.queryForObject("SELECT first_name || '|' || last_name FROM people WHERE id = 7", String.class);
			});
			assertThat(seen).isEqualTo("Alan|Turing");
			assertThat(row(7)).isEqualTo("Alan Turing|Alan|Turing");

			transaction.executeWithoutResult((status) -> {
				people.save(new Person(8L, "Edsger Dijkstra"));
				people.save(new Person(null, "Barbara Liskov"));
				status.setRollbackOnly();
			});
			assertThat(row(8)).isEqualTo("First8 Last 8");
			assertThat(this.db.queryLong("SELECT count(*) FROM people WHERE full_name = 'Barbara Liskov'")).isZero();
		});
	}

	@Test
	void saveAllOfAThousandEntitiesIsOneSync() {
		this.runner.run((context) -> {
			Orchestrator zdm = expanded(context);
			PersonRepository people = context.getBean(PersonRepository.class);
			long syncs = zdm.applicationSync(SplitName.MIGRATION).syncCount();
			List<Person> saved = people.saveAll(
					IntStream.rangeClosed(1, 1_000).mapToObj((i) -> new Person(null, "New" + i + " Person " + i)).toList());
			assertThat(zdm.applicationSync(SplitName.MIGRATION).syncCount() - syncs).isOne();
			assertThat(saved).hasSize(1_000);
			assertThat(this.db.queryLong("SELECT count(*) FROM people WHERE id > " + PEOPLE + " AND first_name = 'New' || "
					+ "(id - " + PEOPLE + ") AND last_name = 'Person ' || (id - " + PEOPLE + ")")).isEqualTo(1_000);
			// Updates of 1,000 existing rows in one call: one sync too.
			people.saveAll(IntStream.rangeClosed(1, 1_000).mapToObj((i) -> new Person((long) i, "Up" + i + " Dated"))
				.toList());
			assertThat(zdm.applicationSync(SplitName.MIGRATION).syncCount() - syncs).isEqualTo(2);
			assertThat(this.db.queryLong("SELECT count(*) FROM people WHERE id <= 1000 AND first_name = 'Up' || id AND "
					+ "last_name = 'Dated'")).isEqualTo(1_000);
		});
	}

	@Test
	void aSingleSaveIsSyncedInOneStatementComputedFromTheSavedEntityAndCheckedAgainstTheRow() {
		StatementCounter counter = new StatementCounter(DualWriteContexts.pool(this.db));
		try {
			DualWriteContexts
				.runner(this.db, () -> counter,
						"org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration")
				.withUserConfiguration(Repositories.class)
				.run((context) -> {
					expanded(context);
					PersonRepository people = context.getBean(PersonRepository.class);
					counter.statements.set(0);
					people.save(new Person(5L, "Grace Hopper"));
					// The repository's UPDATE, and the sync's: computed from the entity, written, and confirmed by
					// what the same statement returns from the row.
					assertThat(counter.statements.get()).isEqualTo(2);
					assertThat(row(5)).isEqualTo("Grace Hopper|Grace|Hopper");

					// What the table stores is not always what the entity held: a trigger trims names (created after
					// expand, which refuses a plan whose column a trigger reads).
					this.db.execute("CREATE FUNCTION people_trim() RETURNS trigger LANGUAGE plpgsql AS "
							+ "$$ BEGIN NEW.full_name := btrim(NEW.full_name); RETURN NEW; END $$",
							"CREATE TRIGGER people_trim BEFORE UPDATE ON people FOR EACH ROW EXECUTE FUNCTION people_trim()");
					counter.statements.set(0);
					people.save(new Person(6L, "  Alan Turing "));
					// The row holds another value than the entity: the sync computes again from the row, and writes again.
					assertThat(counter.statements.get()).isEqualTo(3);
					assertThat(row(6)).isEqualTo("Alan Turing|Alan|Turing");

					// saveAll of one entity returns a list, not an entity: the locking read, nothing mapped for the list.
					counter.statements.set(0);
					people.saveAll(List.of(new Person(7L, "Edsger Dijkstra")));
					assertThat(row(7)).isEqualTo("Edsger Dijkstra|Edsger|Dijkstra");
					assertThat(counter.statements.get()).isGreaterThanOrEqualTo(3);
					assertThat(context.getBean(org.springframework.data.relational.core.mapping.RelationalMappingContext.class)
						.hasPersistentEntityFor(java.util.ArrayList.class)).isFalse();
				});
		}
		finally {
			this.db.execute("DROP TRIGGER IF EXISTS people_trim ON people", "DROP FUNCTION IF EXISTS people_trim()");
		}
	}

	/**
	 * A DataSource that counts the statements prepared on its connections that name table people (not those of
	 * zdm's state and the catalog, which a first sync and a refresh of the phase read).
	 */
	static final class StatementCounter extends DelegatingDataSource implements AutoCloseable {

		final AtomicInteger statements = new AtomicInteger();

		StatementCounter(HikariDataSource pool) {
			super(pool);
		}

		@Override
		public Connection getConnection() throws SQLException {
			Connection connection = super.getConnection();
			return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
					(proxy, method, arguments) -> {
						if (method.getName().startsWith("prepare") && String.valueOf(arguments[0]).contains("\"people\"")) {
							this.statements.incrementAndGet();
						}
						try {
							return method.invoke(connection, arguments);
						}
						catch (InvocationTargetException ex) {
							throw ex.getCause();
						}
					});
		}

		@Override
		public void close() {
			((HikariDataSource) obtainTargetDataSource()).close();
		}

	}

	@Test
	void aSyncThatFailsFailsTheSaveAndRollsBackItsTransaction() {
		this.runner.run((context) -> {
			expanded(context);
			PersonRepository people = context.getBean(PersonRepository.class);
			assertThatThrownBy(() -> people.save(new Person(9L, "poison")))
				.isInstanceOf(ApplicationSyncException.class)
				.hasMessageContaining("Migration split-name, operation 1 (transform 'splitName' on public.people)")
				.hasMessageContaining("with key (id=9)");
			assertThat(row(9)).isEqualTo("First9 Last 9");

			TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			assertThatThrownBy(() -> transaction.executeWithoutResult((status) -> {
				people.save(new Person(10L, "Fine Write"));
				people.save(new Person(null, "poison"));
			})).isInstanceOf(ApplicationSyncException.class).hasMessageContaining("split-name");
			assertThat(row(10)).isEqualTo("First10 Last 10");
			assertThat(this.db.queryLong("SELECT count(*) FROM people WHERE full_name = 'poison'")).isZero();
		});
	}

	@Test
	void aModifyingQueryWithAKeySyncsTheRowItNames() {
		this.runner.run((context) -> {
			expanded(context);
			assertThat(context.getBean(KeyedRepository.class).rename(11, "Margaret Hamilton")).isOne();
			assertThat(row(11)).isEqualTo("Margaret Hamilton|Margaret|Hamilton");
		});
	}

	@Test
	void aRepositoryWithAWriteWhoseKeysCannotBeKnownIsRefusedAtStartUp() {
		DualWriteContexts
			.runner(this.db, "org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration")
			.withUserConfiguration(UnkeyedRepositories.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("@DualWrite on repository " + UnkeyedRepository.class.getName()
						+ ": zdm cannot know which rows method shoutAll() writes (a @Modifying query or a custom "
						+ "implementation)")
				.hasMessageContaining("key = \"#user.id\""));
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void publishesThatThisInstanceSyncsBothShapesOfTheMigrationsItsAnnotationsName(CapturedOutput output) {
		this.runner.run((context) -> {
			// The plan is not in zdm.locations (the tests start it themselves): a typo would look the same.
			assertThat(output).contains("@DualWrite(migration = \"split-name\") names a migration of which the "
					+ "application has no plan in zdm.locations (it has [])");
			context.getBean(PersonRepository.class);
			Map<String, Readiness> readiness = new HashMap<>();
			context.getBeansOfType(ZdmReadinessContributor.class).values()
				.forEach((contributor) -> readiness.putAll(contributor.readiness()));
			assertThat(readiness).containsExactly(Map.entry(SplitName.MIGRATION, Readiness.SYNCS_BOTH));
		});
	}

	@Test
	void eightWritersThroughTheRepositoryRaceTheBackfillToCompletedWithoutAMismatchOrALostUpdate() {
		this.runner.run((context) -> {
			Orchestrator zdm = context.getBean(Orchestrator.class);
			zdm.start(SplitName.plan());
			PersonRepository people = context.getBean(PersonRepository.class);
			try (Writers writers = new Writers().start(8, PEOPLE,
					(id, name) -> people.save(new Person(id, name)).id())) {
				assertThat(zdm.advance(SplitName.MIGRATION).phase()).isEqualTo(Phase.EXPANDED);
				assertThat(zdm.advance(SplitName.MIGRATION).phase()).isEqualTo(Phase.BACKFILLED);
				assertThat(zdm.advance(SplitName.MIGRATION).phase()).isEqualTo(Phase.SWITCHED);
				writers.stop();
				assertThat(writers.failures).isEmpty();
				assertThat(writers.writes.get()).isGreaterThan(100);
				assertThat(this.db.queryLong(SplitName.MISMATCHES)).isZero();
				assertThat(stored()).containsAllEntriesOf(writers.latest);
			}
			// This instance's code writes the old shape: while it is live the contract gate refuses, naming it.
			assertThatThrownBy(() -> zdm.advance(SplitName.MIGRATION)).isInstanceOf(MigrationGateException.class)
				.hasMessageContaining("cannot contract").hasMessageContaining("is SYNCS_BOTH");
			// The rolling deploy replaces it: it stops (and leaves the instance registry); the contract, asked by
			// the new version, passes.
			context.getBean(ZdmMigrationRunner.class).stop();
			zdm.resumeAfterStop();
			assertThat(zdm.advance(SplitName.MIGRATION).phase()).isEqualTo(Phase.COMPLETED);
		});
	}

	@Test
	void afterSwitchWritesThroughTheNewShapeReachTheOldColumnAndSurviveARollback() {
		this.runner.run((context) -> {
			Orchestrator zdm = expanded(context);
			assertThat(zdm.advanceTo(SplitName.MIGRATION, Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
			SplitPersonRepository next = context.getBean(SplitPersonRepository.class);
			PersonRepository current = context.getBean(PersonRepository.class);
			try (Writers writers = new Writers().start(8, PEOPLE, (id, name) -> {
				String[] parts = name.split(" ", 2);
				return next.save(new SplitPerson(id, parts[0], (parts.length > 1) ? parts[1] : null)).id();
			})) {
				// Meanwhile, an instance of the previous version still writes the old shape: not overwritten.
				long old = current.save(new Person(null, "Still Old")).id();
				next.saveAll(IntStream.rangeClosed(1, 1_000).mapToObj((i) -> new SplitPerson(null, "Bulk" + i, "Row"))
					.toList());
				writers.stop();
				assertThat(writers.failures).isEmpty();
				assertThat(writers.writes.get()).isGreaterThan(100);
				assertThat(this.db.queryLong(SplitName.MISMATCHES)).isZero();
				assertThat(zdm.rollback(SplitName.MIGRATION).phase()).isEqualTo(Phase.ROLLED_BACK);
				// The old column holds every write made through the new shape.
				assertThat(stored()).containsAllEntriesOf(writers.latest);
				assertThat(this.db.queryLong("SELECT count(*) FROM people WHERE full_name LIKE 'Bulk% Row'"))
					.isEqualTo(1_000);
				assertThat(this.db.queryStrings("SELECT full_name FROM people WHERE id = ?", old)).containsExactly("Still Old");
			}
		});
	}

	/**
	 * A rolling deploy: while this version dual-writes through its repository, an instance of the previous
	 * version writes the old column alone, here right after each backfill batch into a row the backfill has
	 * already computed. Verification catches its rows and resets the backfill; once that instance is gone, the
	 * backfill runs again and the migration goes on. The previous version's heartbeat says it does not
	 * dual-write (UNAWARE): the switch gate refuses, naming it, until it has left.
	 */
	@Test
	void aWriterOfThePreviousVersionIsCaughtByTheVerificationOfTheBackfill() {
		AtomicBoolean previousVersionAlive = new AtomicBoolean(true);
		List<Long> strays = new CopyOnWriteArrayList<>();
		MigrationListener previousVersion = new MigrationListener() {

			@Override
			public void batchCompleted(String migrationId, int operation, int rowsScanned, int rowsUpdated,
					Duration time) {
				if (previousVersionAlive.get()) {
					Long id = DualWriteJdbcRepositoryTests.this.db.query("UPDATE people SET full_name = 'Old Version' || id "
							+ "WHERE id = (SELECT min(id) FROM people WHERE id > 1000 AND id <= " + PEOPLE + " AND first_name IS NOT "
							+ "NULL AND full_name NOT LIKE 'Old Version%') RETURNING id").stream().map((row) -> ((Number) row.get(0)).longValue())
						.findFirst()
						.orElse(null);
					if (id != null) {
						strays.add(id);
					}
				}
			}

		};
		this.runner.withBean("previousVersion", MigrationListener.class, () -> previousVersion).run((context) -> {
			Orchestrator zdm = context.getBean(Orchestrator.class);
			zdm.start(SplitName.plan());
			zdm.instances().heartbeat(Instance.of("web-previous", "host-previous", "1.0.0", java.time.Instant.now(),
					Map.of()));
			PersonRepository people = context.getBean(PersonRepository.class);
			// This version's writers update the first 1,000 rows (and insert); the previous version writes the others.
			try (Writers writers = new Writers().start(4, 1_000, (id, name) -> people.save(new Person(id, name)).id())) {
				assertThat(zdm.advance(SplitName.MIGRATION).phase()).isEqualTo(Phase.EXPANDED);
				assertThatThrownBy(() -> zdm.advance(SplitName.MIGRATION)).isInstanceOf(MigrationException.class)
					.hasMessageContaining("Verification of split-name found")
					.hasMessageContaining("a writer wrote one shape alone")
					.hasMessageContaining("The backfill was reset");
				assertThat(strays).isNotEmpty();
				assertThat(zdm.status(SplitName.MIGRATION).phase()).isEqualTo(Phase.BACKFILLING);
				// The previous version's last instance stops; the backfill runs again and catches its rows.
				previousVersionAlive.set(false);
				assertThat(zdm.advance(SplitName.MIGRATION).phase()).isEqualTo(Phase.BACKFILLED);
				// Its heartbeat is still live (it is shutting down): no switch while an instance writes one shape alone.
				assertThatThrownBy(() -> zdm.advance(SplitName.MIGRATION)).isInstanceOf(MigrationGateException.class)
					.hasMessageContaining("cannot switch")
					.hasMessageContaining("web-previous (host host-previous, version 1.0.0) is UNAWARE");
				zdm.instances().leave("web-previous");
				assertThat(zdm.advance(SplitName.MIGRATION).phase()).isEqualTo(Phase.SWITCHED);
				writers.stop();
				assertThat(writers.failures).isEmpty();
				assertThat(this.db.queryLong(SplitName.MISMATCHES)).isZero();
				assertThat(stored()).containsAllEntriesOf(writers.latest);
			}
		});
	}

	private Map<Long, String> stored() {
		Map<Long, String> stored = new HashMap<>();
		for (List<Object> row : this.db.query("SELECT id, full_name FROM people")) {
			stored.put(((Number) row.get(0)).longValue(), (String) row.get(1));
		}
		return stored;
	}

}

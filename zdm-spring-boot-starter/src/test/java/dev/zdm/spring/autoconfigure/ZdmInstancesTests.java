package dev.zdm.spring.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import dev.zdm.core.instance.Instance;
import dev.zdm.core.instance.Readiness;
import dev.zdm.core.migration.Gate;
import dev.zdm.core.migration.MigrationGateException;
import dev.zdm.core.migration.MigrationListener;
import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.Phase;
import dev.zdm.spring.actuate.ZdmEndpoint;
import dev.zdm.spring.instance.ZdmReadinessContributor;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Application contexts as instances of one application on one database: heartbeats with their readiness, a
 * backfill shared by two instances through a rolling restart of both (each stopped in the middle leaves its
 * ranges to the other at once; nothing is lost, written twice or recorded as an error), the contract gate
 * refusing while an instance of the old version runs, and two migrations advancing at once.
 */
@ExtendWith(PostgresExtension.class)
class ZdmInstancesTests {

	/** Sparse keys: ranges split by key width, so 30,000 rows make 16 ranges to share. */
	private static final int ROWS = 30_000;

	private static final Duration WAIT = Duration.ofMinutes(3);

	private final TestDatabase db;

	private final ApplicationContextRunner runner;

	ZdmInstancesTests(TestDatabase db) {
		this.db = db;
		this.runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ZdmAutoConfiguration.class))
			.withBean(DataSource.class, db::dataSource)
			.withPropertyValues("zdm.instance.heartbeat-interval=1s");
	}

	@BeforeEach
	void createTables() {
		this.db.execute("DROP SCHEMA IF EXISTS zdm CASCADE",
				"DO $$ DECLARE s text; BEGIN FOR s IN SELECT nspname FROM pg_namespace WHERE nspname LIKE 'zdm\\_%' LOOP "
						+ "EXECUTE 'DROP SCHEMA ' || quote_ident(s) || ' CASCADE'; END LOOP; END $$",
				"DROP TABLE IF EXISTS users, accounts CASCADE",
				"CREATE TABLE users (id bigint PRIMARY KEY, email text)",
				"INSERT INTO users SELECT g * 10000, 'u' || g FROM generate_series(1, " + ROWS + ") g",
				"CREATE TABLE accounts (id bigint PRIMARY KEY, code text)",
				"INSERT INTO accounts SELECT g, 'c' || g FROM generate_series(1, 500) g");
	}

	/** Rows written by the committed batches of one instance. */
	static final class Written implements MigrationListener {

		final AtomicLong rows = new AtomicLong();

		@Override
		public void batchCompleted(String migrationId, int operation, int rowsScanned, int rowsUpdated, Duration time) {
			this.rows.addAndGet(rowsUpdated);
		}

	}

	private long leasesOf(String owner) {
		return this.db.queryLong("SELECT count(*) FROM zdm.zdm_backfill_range WHERE NOT done AND lease_owner LIKE ? "
				+ "AND lease_until > now()", owner + "%");
	}

	private long instanceRows(String id) {
		return this.db.queryLong("SELECT count(*) FROM zdm.zdm_instance WHERE id = ?", id);
	}

	@Test
	void heartbeatsCarryHostVersionStartAndTheHighestReadinessOfEveryContributor() {
		this.runner.withPropertyValues("zdm.locations=classpath:plans/ok", "zdm.instance-id=web-1",
				"zdm.instance.version=3.1.4", "zdm.schema-version=rename-users-email",
				"zdm.instance.readiness.rename-users-email=syncs-both", "zdm.instance.readiness.other=new-only")
			.withBean("dualWrites", ZdmReadinessContributor.class,
					() -> () -> Map.of("other", Readiness.SYNCS_BOTH, "third", Readiness.SYNCS_BOTH))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Orchestrator orchestrator = context.getBean(Orchestrator.class);
				assertThat(orchestrator.instances().timeout()).isEqualTo(Duration.ofSeconds(30));
				assertThat(orchestrator.instances().live()).singleElement().satisfies((instance) -> {
					assertThat(instance.id()).isEqualTo("web-1");
					assertThat(instance.version()).isEqualTo("3.1.4");
					assertThat(instance.host()).isNotBlank();
					assertThat(instance.startedAt()).isNotNull();
					assertThat(instance.readiness()).isEqualTo(Map.of("rename-users-email", Readiness.READS_NEW,
							"other", Readiness.NEW_ONLY, "third", Readiness.SYNCS_BOTH));
				});
				java.time.Instant first = orchestrator.instances().live().get(0).lastSeen();
				await().atMost(Duration.ofSeconds(30))
					.until(() -> orchestrator.instances().live().get(0).lastSeen().isAfter(first));
				context.close();
				assertThat(instanceRows("web-1")).isZero();
			});
	}

	@Test
	void theVersionComesFromTheApplicationVersionOrBuildInfo() {
		this.runner.withPropertyValues("zdm.locations=classpath:plans/ok", "zdm.instance-id=web-2",
				"spring.application.version=1.2.3")
			.run((context) -> assertThat(context.getBean(Orchestrator.class).instances().live())
				.extracting(Instance::version).containsExactly("1.2.3"));
		Properties build = new Properties();
		build.setProperty("version", "4.5.6");
		this.runner.withPropertyValues("zdm.locations=classpath:plans/ok", "zdm.instance-id=web-3",
				"zdm.instance.timeout=45s")
			.withBean(BuildProperties.class, () -> new BuildProperties(build))
			.run((context) -> {
				Orchestrator orchestrator = context.getBean(Orchestrator.class);
				assertThat(orchestrator.instances().live()).extracting(Instance::version).containsExactly("4.5.6");
				assertThat(orchestrator.instances().timeout()).isEqualTo(Duration.ofSeconds(45));
			});
	}

	@Test
	void aRollingRestartOfBothInstancesDuringTheirSharedBackfillLosesNoWorkAndRecordsNoError() {
		Written writtenByA = new Written();
		Written writtenByB = new Written();
		Written writtenByA2 = new Written();
		// Slow batches and leases far longer than the test waits: only released leases let the others go on.
		ApplicationContextRunner instance = this.runner.withPropertyValues("zdm.locations=classpath:plans/ok",
				"zdm.backfill.batch-size=100", "zdm.backfill.min-batch-size=100", "zdm.backfill.max-batch-size=100",
				"zdm.backfill.pause=200ms", "zdm.backfill.lease-duration=10m",
				"zdm.instance.readiness.rename-users-email=reads-new");
		instance.withPropertyValues("zdm.instance-id=inst-a").withBean(Written.class, () -> writtenByA).run((a) -> {
			instance.withPropertyValues("zdm.instance-id=inst-b").withBean(Written.class, () -> writtenByB).run((b) -> {
				Orchestrator orchestrator = b.getBean(Orchestrator.class);
				a.getBean(ZdmMigrationRunner.class).onApplicationEvent(null);
				b.getBean(ZdmMigrationRunner.class).onApplicationEvent(null);
				await().atMost(WAIT).until(() -> leasesOf("inst-a") > 0 && leasesOf("inst-b") > 0
						&& writtenByA.rows.get() > 0 && writtenByB.rows.get() > 0);

				// A stops (its part of the rolling restart): its ranges go back at once, and it leaves the registry.
				a.close();
				assertThat(leasesOf("inst-a")).isZero();
				assertThat(instanceRows("inst-a")).isZero();
				assertThat(orchestrator.status("rename-users-email").phase()).isEqualTo(Phase.BACKFILLING);
				long byA = writtenByA.rows.get();
				assertThat(byA).isPositive().isLessThan(ROWS);

				// Its new version starts and joins; then B stops too.
				instance.withPropertyValues("zdm.instance-id=inst-a2").withBean(Written.class, () -> writtenByA2)
					.run((a2) -> {
						a2.getBean(ZdmMigrationRunner.class).onApplicationEvent(null);
						await().atMost(WAIT).until(() -> writtenByA2.rows.get() > 0);
						b.close();
						assertThat(leasesOf("inst-b")).isZero();
						Orchestrator survivor = a2.getBean(Orchestrator.class);
						await().atMost(WAIT)
							.until(() -> survivor.status("rename-users-email").phase() == Phase.BACKFILLED);
						assertThat(survivor.status("rename-users-email").error()).isNull();
						assertThat(survivor.events("rename-users-email"))
							.noneMatch((event) -> event.action().endsWith("-failed"));
					});
				assertThat(byA + writtenByB.rows.get() + writtenByA2.rows.get()).isEqualTo(ROWS);
				assertThat(this.db.queryLong("SELECT count(*) FROM users WHERE email_address IS DISTINCT FROM email"))
					.isZero();
			});
		});
	}

	@Test
	void theContractGateRefusesWhileAnInstanceOfTheOldVersionRunsAndNamesIt() {
		ApplicationContextRunner instance = this.runner.withPropertyValues("zdm.locations=classpath:plans/ok");
		instance.withPropertyValues("zdm.instance-id=web-new", "zdm.instance.version=2.0.0",
				"zdm.schema-version=rename-users-email").run((newVersion) -> {
			instance.withPropertyValues("zdm.instance-id=web-old", "spring.application.version=1.0.0").run((oldVersion) -> {
				Orchestrator orchestrator = newVersion.getBean(Orchestrator.class);
				assertThat(orchestrator.advanceTo("rename-users-email", Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
				Gate contract = orchestrator.gates("rename-users-email").get(1);
				assertThat(contract.open()).isFalse();
				assertThat(contract.blockers()).extracting(Instance::id).containsExactly("web-old");
				assertThatThrownBy(() -> orchestrator.advance("rename-users-email"))
					.isInstanceOf(MigrationGateException.class)
					.hasMessageContaining("cannot contract")
					.hasMessageContaining("web-old (host ")
					.hasMessageContaining("version 1.0.0) is UNAWARE")
					.hasMessageNotContaining("web-new");
				assertThat(orchestrator.status("rename-users-email").error()).isNull();
				// The endpoint shows the same: the gate blocked by the old instance, and every live instance.
				ZdmEndpoint endpoint = new ZdmEndpoint(orchestrator, Runnable::run);
				ZdmEndpoint.GateDescriptor shown = endpoint.migration("rename-users-email").gates().get(1);
				assertThat(shown.name()).isEqualTo("contract");
				assertThat(shown.state()).isEqualTo("blocked");
				assertThat(shown.blockers()).extracting(ZdmEndpoint.InstanceDescriptor::id,
						ZdmEndpoint.InstanceDescriptor::version)
					.containsExactly(org.assertj.core.groups.Tuple.tuple("web-old", "1.0.0"));
				assertThat(endpoint.migrations().instances()).extracting(ZdmEndpoint.InstanceDescriptor::id)
					.containsExactlyInAnyOrder("web-new", "web-old");
			});
			// The old version stopped: it left the registry, and contract passes at once.
			Orchestrator orchestrator = newVersion.getBean(Orchestrator.class);
			assertThat(orchestrator.gates("rename-users-email").get(1).open()).isTrue();
			assertThat(orchestrator.advance("rename-users-email").phase()).isEqualTo(Phase.COMPLETED);
		});
	}

	@Test
	void anActionOnOneMigrationNeverWaitsForAnotherOnesBackfill() {
		// One thread for automatic advances: the backfill of users holds it.
		this.runner.withPropertyValues("zdm.locations=classpath:plans/two", "zdm.scheduler.pool-size=1",
				"zdm.backfill.batch-size=100", "zdm.backfill.min-batch-size=100", "zdm.backfill.max-batch-size=100",
				"zdm.backfill.pause=200ms").run((context) -> {
			Orchestrator orchestrator = context.getBean(Orchestrator.class);
			ZdmMigrationRunner scheduler = context.getBean(ZdmMigrationRunner.class);
			scheduler.onApplicationEvent(null);
			await().atMost(WAIT).until(() -> orchestrator.status("rename-users-email").phase() == Phase.BACKFILLING);
			// The automatic advance of accounts is queued behind it; the one asked for runs at once.
			assertThat(orchestrator.status("rename-accounts-code").phase()).isEqualTo(Phase.PENDING);
			scheduler.submit(() -> orchestrator.advanceTo("rename-accounts-code", Phase.BACKFILLED));
			await().atMost(WAIT).until(() -> orchestrator.status("rename-accounts-code").phase() == Phase.BACKFILLED);
			assertThat(orchestrator.status("rename-users-email").phase()).isEqualTo(Phase.BACKFILLING);
		});
	}

	@Test
	void severalMigrationsAdvanceByThemselvesAtOnce() {
		this.runner.withPropertyValues("zdm.locations=classpath:plans/two", "zdm.backfill.batch-size=100",
				"zdm.backfill.min-batch-size=100", "zdm.backfill.max-batch-size=100", "zdm.backfill.pause=200ms")
			.run((context) -> {
				Orchestrator orchestrator = context.getBean(Orchestrator.class);
				context.getBean(ZdmMigrationRunner.class).onApplicationEvent(null);
				await().atMost(WAIT)
					.until(() -> orchestrator.status("rename-accounts-code").phase() == Phase.BACKFILLED);
				assertThat(orchestrator.status("rename-users-email").phase()).isEqualTo(Phase.BACKFILLING);
			});
	}

}

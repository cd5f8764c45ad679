package dev.zdm.spring.autoconfigure;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.Phase;
import dev.zdm.core.plan.PlanException;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import dev.zdm.spring.actuate.ZdmEndpoint;
import dev.zdm.spring.actuate.ZdmEndpoint.MigrationDescriptor;
import dev.zdm.spring.actuate.ZdmEndpointException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@ExtendWith(PostgresExtension.class)
class ZdmAutoConfigurationTests {

	private final TestDatabase db;

	private final ApplicationContextRunner runner;

	ZdmAutoConfigurationTests(TestDatabase db) {
		this.db = db;
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ZdmAutoConfiguration.class, ZdmEndpointAutoConfiguration.class,
					ZdmMetricsAutoConfiguration.class))
			.withBean(DataSource.class, db::dataSource)
			.withPropertyValues("management.endpoints.access.default=UNRESTRICTED", "management.endpoints.web.exposure.include=*",
					"management.endpoints.jmx.exposure.include=*");
	}

	@BeforeEach
	void createTable() {
		this.db.execute("DROP SCHEMA IF EXISTS zdm CASCADE", "DROP SCHEMA IF EXISTS zdm_state CASCADE",
				"DROP TABLE IF EXISTS users CASCADE",
				"CREATE TABLE users (id bigint PRIMARY KEY, email text)",
				"INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 500) g");
	}

	@Test
	void registersThePlansOfItsLocationsAtStartUp() {
		this.runner.withPropertyValues("zdm.locations=classpath:plans/ok", "zdm.schema=zdm_state").run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(Orchestrator.class).hasSingleBean(ZdmEndpoint.class);
			Orchestrator orchestrator = context.getBean(Orchestrator.class);
			assertThat(orchestrator.status("rename-users-email").phase()).isEqualTo(Phase.PENDING);
			assertThat(this.db.queryStrings("SELECT source FROM zdm_state.zdm_migration"))
				.containsExactly("plans/ok/001-rename-users-email.yaml");
		});
	}

	@Test
	void endpointDrivesTheMigrationThroughEveryPhase() {
		// This instance declares it reads the new shape: the contract gate lets it contract.
		this.runner.withPropertyValues("zdm.locations=classpath:plans/ok",
				"zdm.instance.readiness.rename-users-email=reads-new").run((context) -> {
			ZdmEndpoint endpoint = context.getBean(ZdmEndpoint.class);
			assertThat(endpoint.migrations().migrations()).extracting(MigrationDescriptor::id)
				.containsExactly("rename-users-email");
			assertThat(endpoint.act("rename-users-email", "advance", null).phase()).isEqualTo(Phase.EXPANDED);
			endpoint.act("rename-users-email", "advance", null);
			await().until(() -> endpoint.migration("rename-users-email").phase() == Phase.BACKFILLED);
			MigrationDescriptor backfilled = endpoint.migration("rename-users-email");
			assertThat(backfilled.backfill().rowsDone()).isEqualTo(500);
			assertThat(backfilled.gates()).extracting(ZdmEndpoint.GateDescriptor::name, ZdmEndpoint.GateDescriptor::state)
				.containsExactly(org.assertj.core.groups.Tuple.tuple("switch", "open"),
						org.assertj.core.groups.Tuple.tuple("contract", "closed"));
			assertThat(backfilled.events()).extracting(ZdmEndpoint.EventDescriptor::toPhase)
				.contains("EXPANDED", "BACKFILLING", "BACKFILLED");
			assertThat(endpoint.act("rename-users-email", "advance", null).phase()).isEqualTo(Phase.SWITCHED);
			assertThat(endpoint.act("rename-users-email", "advance", null).phase()).isEqualTo(Phase.COMPLETED);
			assertThat(this.db.queryLong("SELECT count(*) FROM users WHERE email_address = 'u' || id")).isEqualTo(500);
			assertThatThrownBy(() -> endpoint.act("rename-users-email", "advance", null))
				.isInstanceOf(ZdmEndpointException.class)
				.hasMessageContaining("is COMPLETED: there is nothing to advance");
			assertThatThrownBy(() -> endpoint.act("rename-users-email", "explode", null))
				.isInstanceOf(ZdmEndpointException.class)
				.hasMessageContaining("Unknown action 'explode': use one of advance, pause, resume, cancel, rollback, retry, restart, undo");
		});
	}

	@Test
	void endpointRestartsARolledBackMigrationAndRefusesOtherwiseWithTheReason() {
		this.runner.withPropertyValues("zdm.locations=classpath:plans/ok", "zdm.instance-id=ops-console").run((context) -> {
			ZdmEndpoint endpoint = context.getBean(ZdmEndpoint.class);
			assertThat(endpoint.act("rename-users-email", "advance", null).phase()).isEqualTo(Phase.EXPANDED);
			assertThatThrownBy(() -> endpoint.act("rename-users-email", "restart", null))
				.isInstanceOf(ZdmEndpointException.class)
				.hasMessageContaining("is EXPANDED: only a rolled-back migration can be restarted");
			assertThat(endpoint.act("rename-users-email", "rollback", null).phase()).isEqualTo(Phase.ROLLED_BACK);

			MigrationDescriptor restarted = endpoint.act("rename-users-email", "restart", null);

			assertThat(restarted.phase()).isEqualTo(Phase.PENDING);
			assertThat(restarted.error()).isNull();
			assertThat(restarted.events()).last().satisfies((event) -> {
				assertThat(event.action()).isEqualTo("restart");
				assertThat(event.fromPhase()).isEqualTo("ROLLED_BACK");
				assertThat(event.toPhase()).isEqualTo("PENDING");
				assertThat(event.actor()).isEqualTo("ops-console");
			});
			assertThat(endpoint.act("rename-users-email", "advance", null).phase()).isEqualTo(Phase.EXPANDED);
			assertThat(this.db.queryLong("SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass "
					+ "AND attname = 'email_address' AND NOT attisdropped")).isOne();
			assertThat(endpoint.act("rename-users-email", "rollback", null).phase()).isEqualTo(Phase.ROLLED_BACK);
		});
	}

	@Test
	void endpointUndoesACompletedDropColumnAndRefusesOtherwiseWithTheReason() {
		this.runner.withPropertyValues("zdm.locations=classpath:plans/drop", "zdm.instance-id=ops-console",
				"zdm.archive.retention=7d", "zdm.instance.readiness.drop-users-email=new-only").run((context) -> {
			assertThat(context.getBean(dev.zdm.core.migration.ZdmSettings.class).archiveRetention())
				.isEqualTo(java.time.Duration.ofDays(7));
			ZdmEndpoint endpoint = context.getBean(ZdmEndpoint.class);
			MigrationDescriptor expanded = endpoint.act("drop-users-email", "advance", null);
			assertThat(expanded.phase()).isEqualTo(Phase.EXPANDED);
			assertThat(expanded.deprecatedColumns()).containsExactly("public.users.email");
			assertThatThrownBy(() -> endpoint.act("drop-users-email", "undo", null))
				.isInstanceOf(ZdmEndpointException.class)
				.hasMessageContaining("is EXPANDED: only a COMPLETED migration can be undone; roll it back instead");
			endpoint.act("drop-users-email", "advance", null);
			await().until(() -> endpoint.migration("drop-users-email").phase() == Phase.BACKFILLED);
			endpoint.act("drop-users-email", "advance", null);
			assertThat(endpoint.act("drop-users-email", "advance", null).phase()).isEqualTo(Phase.COMPLETED);
			assertThat(this.db.queryLong("SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass "
					+ "AND attname = 'email' AND NOT attisdropped")).isZero();
			this.db.execute("ALTER TABLE users ADD COLUMN email integer");
			assertThatThrownBy(() -> endpoint.act("drop-users-email", "undo", null))
				.isInstanceOf(ZdmEndpointException.class)
				.hasMessageContaining("table public.users already has a column \"email\" (added since the drop)");
			this.db.execute("ALTER TABLE users DROP COLUMN email");

			MigrationDescriptor undone = endpoint.act("drop-users-email", "undo", null);

			assertThat(undone.phase()).isEqualTo(Phase.UNDONE);
			assertThat(undone.events()).last().satisfies((event) -> {
				assertThat(event.action()).isEqualTo("undo");
				assertThat(event.fromPhase()).isEqualTo("UNDOING");
				assertThat(event.toPhase()).isEqualTo("UNDONE");
				assertThat(event.actor()).isEqualTo("ops-console");
			});
			assertThat(this.db.queryLong("SELECT count(*) FROM users WHERE email = 'u' || id")).isEqualTo(500);
		});
	}

	@Test
	void archivesAreKeptThirtyDaysByDefault() {
		this.runner.withPropertyValues("zdm.locations=classpath:plans/ok").run((context) -> assertThat(
				context.getBean(dev.zdm.core.migration.ZdmSettings.class).archiveRetention())
			.isEqualTo(java.time.Duration.ofDays(30)));
	}

	@Test
	void aPlanThatDoesNotFitTheDatabaseFailsStartUpWithTheReport() {
		this.runner.withPropertyValues("zdm.locations=classpath:plans/bad").run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			PlanException cause = findCause(failure);
			FailureAnalysis analysis = new PlanExceptionFailureAnalyzer().analyze(failure);
			assertThat(analysis.getDescription()).contains(
					"plans/bad/001-typo.yaml: operation 1 (renameColumn): table public.users has no column \"emial\". Known columns: id, email.");
			assertThat(cause.planId()).isEqualTo("typo");
		});
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'email_address'"))
			.isZero();
	}

	@Test
	void schemaVersionShowsNewCodeTheFinalShapeWhileZdmKeepsReadingTheTables() {
		this.runner.withPropertyValues("zdm.locations=classpath:plans/ok", "zdm.schema-version=rename-users-email")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				DataSource dataSource = context.getBean(DataSource.class);
				assertThat(dataSource).isInstanceOf(SchemaVersionDataSource.class);
				Orchestrator orchestrator = context.getBean(Orchestrator.class);
				assertThat(orchestrator.advance("rename-users-email").phase()).isEqualTo(Phase.EXPANDED);
				JdbcTemplate newCode = new JdbcTemplate(dataSource);
				assertThat(newCode.queryForObject("SHOW search_path", String.class))
					.startsWith("\"zdm_rename_users_email\", ");
				// New code sees only email_address; old code, on the table, still sees email.
				newCode.update("UPDATE users SET email_address = 'new@x' WHERE id = 1");
				assertThat(this.db.queryStrings("SELECT email FROM users WHERE id = 1")).containsExactly("new@x");
				assertThat(newCode.queryForList("SELECT * FROM users WHERE id = 1").get(0))
					.containsOnlyKeys("id", "email_address");
				assertThat(orchestrator.advanceTo("rename-users-email", Phase.COMPLETED).phase())
					.isEqualTo(Phase.COMPLETED);
				// The version schema is gone: the same code now reaches the table itself.
				assertThat(newCode.queryForObject("SELECT email_address FROM users WHERE id = 1", String.class))
					.isEqualTo("new@x");
			});
	}

	@Test
	void onAPoolZdmNeverInheritsTheVersionSchemaFromConnectionsNewCodeUsed() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ZdmAutoConfiguration.class))
			.withBean(DataSource.class, () -> {
				HikariDataSource hikari = new HikariDataSource();
				hikari.setJdbcUrl(this.db.jdbcUrl());
				hikari.setUsername(this.db.user());
				hikari.setPassword(this.db.password().isEmpty() ? null : this.db.password());
				hikari.setMaximumPoolSize(4);
				return hikari;
			})
			.withPropertyValues("zdm.locations=classpath:plans/ok", "zdm.schema-version=rename-users-email")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Orchestrator orchestrator = context.getBean(Orchestrator.class);
				assertThat(orchestrator.advance("rename-users-email").phase()).isEqualTo(Phase.EXPANDED);
				// New code borrows every pooled connection, leaving the version schema on each one's search_path.
				DataSource app = context.getBean(DataSource.class);
				List<Connection> held = new ArrayList<>();
				for (int i = 0; i < 4; i++) {
					held.add(app.getConnection());
				}
				for (Connection connection : held) {
					connection.close();
				}
				assertThat(orchestrator.advance("rename-users-email").phase()).isEqualTo(Phase.BACKFILLED);
				assertThat(new JdbcTemplate(app).queryForObject("SHOW search_path", String.class))
					.startsWith("\"zdm_rename_users_email\", ");
				app.unwrap(HikariDataSource.class).close();
			});
	}

	@Test
	void publishesMetricsToTheMeterRegistry() {
		this.runner.withPropertyValues("zdm.locations=classpath:plans/ok")
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Orchestrator orchestrator = context.getBean(Orchestrator.class);
				orchestrator.advanceTo("rename-users-email", Phase.BACKFILLED);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("zdm.migration.phase").tag("migration", "rename-users-email").gauge().value())
					.isEqualTo(Phase.BACKFILLED.ordinal());
				assertThat(registry.get("zdm.backfill.rows").tag("migration", "rename-users-email").counter().count())
					.isEqualTo(500);
				assertThat(registry.get("zdm.backfill.batch.duration").timer().count()).isPositive();
				assertThat(registry.get("zdm.migration.transitions").tag("to", "EXPANDED").counter().count()).isEqualTo(1);
			});
	}

	@Test
	void instancesStartingTogetherAutoAdvanceOneMigrationWithoutErrors() {
		this.db.execute("INSERT INTO users SELECT g, 'u' || g FROM generate_series(501, 100000) g");
		ApplicationContextRunner instance = this.runner.withPropertyValues("zdm.locations=classpath:plans/ok",
				"zdm.backfill.batch-size=500", "zdm.backfill.max-batch-size=500");
		instance.withPropertyValues("zdm.instance-id=a").run((a) -> instance.withPropertyValues("zdm.instance-id=b")
			.run((b) -> {
				a.getBean(ZdmMigrationRunner.class).onApplicationEvent(null);
				b.getBean(ZdmMigrationRunner.class).onApplicationEvent(null);
				Orchestrator orchestrator = a.getBean(Orchestrator.class);
				await().atMost(java.time.Duration.ofMinutes(2))
					.until(() -> orchestrator.status("rename-users-email").phase() == Phase.BACKFILLED);
				assertThat(orchestrator.status("rename-users-email").error()).isNull();
				assertThat(orchestrator.events("rename-users-email"))
					.noneMatch((event) -> event.action().endsWith("-failed"));
				assertThat(this.db.queryLong("SELECT count(*) FROM users WHERE email_address IS DISTINCT FROM email")).isZero();
			}));
	}

	@Test
	void disabledLeavesTheDatabaseAlone() {
		this.runner.withPropertyValues("zdm.enabled=false", "zdm.locations=classpath:plans/ok").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(Orchestrator.class);
			assertThat(this.db.queryLong("SELECT count(*) FROM pg_namespace WHERE nspname = 'zdm'")).isZero();
		});
	}

	private static PlanException findCause(Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause()) {
			if (t instanceof PlanException plan) {
				return plan;
			}
		}
		throw new AssertionError("No PlanException in " + failure);
	}

}

package dev.zdm.core.migration;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import dev.zdm.core.backfill.BackfillProgress;
import dev.zdm.core.plan.PlanLoader;
import dev.zdm.core.state.MigrationEvent;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Orchestrator#overview()} reads every migration in a fixed number of statements and agrees with the
 * full statuses; {@link Orchestrator#onBehalfOf} names the person in the audit log.
 */
@ExtendWith(PostgresExtension.class)
class OverviewTests {

	private final TestDatabase db;

	private final AtomicInteger statements = new AtomicInteger();

	OverviewTests(TestDatabase db) {
		this.db = db;
	}

	/** The test database, counting the statements prepared on its connections. */
	private DataSource counting() {
		DataSource target = this.db.dataSource();
		return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { DataSource.class },
				(proxy, method, args) -> {
					Object result = invoke(method, target, args);
					if (result instanceof Connection connection) {
						return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
								(p, m, a) -> {
									if (m.getName().startsWith("prepare") || m.getName().equals("createStatement")) {
										this.statements.incrementAndGet();
									}
									return invoke(m, connection, a);
								});
					}
					return result;
				});
	}

	private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

	@Test
	void overviewReadsEveryMigrationInTwoStatementsAndAgreesWithTheFullStatuses() {
		Orchestrator zdm = new Orchestrator(counting(), ZdmSettings.defaults().withInstanceId("overview").withSchema("zdm_overview"));
		zdm.install();
		for (int i = 1; i <= 4; i++) {
			this.db.execute("CREATE TABLE t" + i + " (id bigint PRIMARY KEY, a text)",
					"INSERT INTO t" + i + " SELECT g, 'v' || g FROM generate_series(1, 300) g", "ANALYZE t" + i);
			zdm.start(new PlanLoader().load("id: m" + i + "\noperations:\n  - renameColumn: {table: t" + i
					+ ", from: a, to: b}\n", "m" + i + ".yaml"));
		}
		zdm.advanceTo("m1", Phase.BACKFILLED);
		zdm.advanceTo("m2", Phase.EXPANDED);
		zdm.pause("m2", "later");
		zdm.advanceTo("m3", Phase.COMPLETED);

		this.statements.set(0);
		List<MigrationStatus> overview = zdm.overview();
		assertThat(this.statements).hasValue(2);
		this.statements.set(0);
		List<MigrationStatus> full = zdm.statuses();
		assertThat(this.statements.get()).as("the full statuses read the catalog per migration").isGreaterThan(8);

		assertThat(overview).extracting(MigrationStatus::id).containsExactly("m1", "m2", "m3", "m4");
		for (int i = 0; i < overview.size(); i++) {
			MigrationStatus light = overview.get(i);
			MigrationStatus heavy = full.get(i);
			assertThat(light.phase()).isEqualTo(heavy.phase());
			assertThat(light.error()).isEqualTo(heavy.error());
			assertThat(light.updatedAt()).isEqualTo(heavy.updatedAt());
			if (heavy.backfill() != null) {
				BackfillProgress expected = heavy.backfill();
				assertThat(light.backfill()).isNotNull();
				assertThat(light.backfill().rowsDone()).isEqualTo(expected.rowsDone());
				assertThat(light.backfill().rowsTotal()).isEqualTo(expected.rowsTotal());
				assertThat(light.backfill().ranges()).isEqualTo(expected.ranges());
				assertThat(light.backfill().rangesDone()).isEqualTo(expected.rangesDone());
				assertThat(light.backfill().state()).isEqualTo(expected.state());
			}
		}
		assertThat(overview.get(0).backfill().rowsDone()).isEqualTo(300);
		assertThat(overview.get(1).backfill().state()).as("paused before its backfill started").isEqualTo("PAUSED");
	}

	@Test
	void onBehalfOfNamesThePersonAsActorAndTheInstanceInTheDetail() {
		Orchestrator zdm = new Orchestrator(this.db.dataSource(), ZdmSettings.defaults().withInstanceId("web-7").withSchema("zdm_behalf"));
		zdm.install();
		this.db.execute("CREATE TABLE people (id bigint PRIMARY KEY, a text)");
		zdm.start(new PlanLoader().load("id: people\noperations:\n  - renameColumn: {table: people, from: a, to: b}\n",
				"people.yaml"));
		zdm.onBehalfOf("alice", () -> zdm.advance("people"));
		zdm.onBehalfOf(null, () -> zdm.pause("people", "by the instance"));
		List<MigrationEvent> events = zdm.events("people");
		assertThat(events).filteredOn((event) -> "EXPANDED".equals(event.toPhase()) && "advance".equals(event.action())).singleElement().satisfies((event) -> {
			assertThat(event.actor()).isEqualTo("alice");
			assertThat(event.detail()).isEqualTo("(on instance web-7)");
		});
		assertThat(events).last().satisfies((event) -> {
			assertThat(event.action()).isEqualTo("pause");
			assertThat(event.actor()).isEqualTo("web-7");
		});
	}

}

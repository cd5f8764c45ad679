package dev.zdm.core.migration;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.zdm.core.backfill.BackfillSettings;
import dev.zdm.core.instance.Instance;
import dev.zdm.core.instance.Readiness;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.plan.ReplaceColumns.NewColumn;
import dev.zdm.core.sql.Identifier;
import dev.zdm.core.transform.TransformRegistry;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Instance heartbeats and the gates they feed: instances register, drop out when they stop heartbeating and
 * leave at once when they stop; contract is refused while a live instance is on the old shape, switch while
 * one cannot sync a migration the application syncs, naming the blockers with host and version; both pass once
 * the blockers are ready or gone, and a refusal is not recorded as the migration's error.
 */
@ExtendWith(PostgresExtension.class)
class InstanceGatesTests {

	private final TestDatabase db;

	InstanceGatesTests(TestDatabase db) {
		this.db = db;
	}

	@BeforeEach
	void clean() {
		this.db.execute("DROP SCHEMA IF EXISTS zdm CASCADE",
				"DO $$ DECLARE s text; BEGIN FOR s IN SELECT nspname FROM pg_namespace WHERE nspname LIKE 'zdm\\_%' LOOP "
						+ "EXECUTE 'DROP SCHEMA ' || quote_ident(s) || ' CASCADE'; END LOOP; END $$",
				"DROP TABLE IF EXISTS users, people CASCADE",
				"CREATE TABLE users (id bigint PRIMARY KEY, email text)",
				"INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 300) g",
				"CREATE TABLE people (id bigint PRIMARY KEY, full_name text)",
				"INSERT INTO people SELECT g, 'First' || g || ' Last' || g FROM generate_series(1, 300) g");
	}

	private Orchestrator zdm(Duration instanceTimeout, TransformRegistry transforms) {
		Orchestrator zdm = new Orchestrator(this.db.dataSource(), ZdmSettings.defaults().withInstanceId("console")
			.withInstanceTimeout(instanceTimeout)
			.withBackfill(BackfillSettings.defaults().withBatchSizes(100, 100, 100)), transforms);
		zdm.install();
		return zdm;
	}

	private static Instance instance(String id, String host, String version, Map<String, Readiness> readiness) {
		return Instance.of(id, host, version, Instant.parse("2026-01-01T00:00:00Z"), readiness);
	}

	private static Plan rename() {
		return Plan.builder("rename-email").renameColumn("users", "email", "email_address").build();
	}

	private static Plan javaSplit() {
		return Plan.builder("split-name")
			.replaceColumns("people", List.of("full_name"),
					List.of(new NewColumn(Identifier.of("first_name"), "text", false, null),
							new NewColumn(Identifier.of("last_name"), "text", false, null)),
					"splitName")
			.build();
	}

	private static final dev.zdm.core.transform.RowTransform SPLIT = new dev.zdm.core.transform.RowTransform() {

		@Override
		public Map<String, Object> up(Map<String, Object> old) {
			String name = (String) old.get("full_name");
			int space = name.indexOf(' ');
			return Map.of("first_name", name.substring(0, space), "last_name", name.substring(space + 1));
		}

		@Override
		public Map<String, Object> down(Map<String, Object> current) {
			return Map.of("full_name", current.get("first_name") + " " + current.get("last_name"));
		}

	};

	@Test
	void instancesRegisterDropOutWhenSilentLeaveAtOnceAndAreForgottenLater() {
		Orchestrator zdm = zdm(Duration.ofSeconds(1), TransformRegistry.NONE);
		zdm.instances().heartbeat(instance("web-1", "host-a", "1.4.0", Map.of("rename-email", Readiness.SYNCS_BOTH)));
		zdm.instances().heartbeat(instance("web-2", "host-b", null, Map.of()));

		List<Instance> live = zdm.instances().live();
		assertThat(live).extracting(Instance::id).containsExactly("web-1", "web-2");
		Instance first = live.get(0);
		assertThat(first.host()).isEqualTo("host-a");
		assertThat(first.version()).isEqualTo("1.4.0");
		assertThat(first.startedAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
		assertThat(first.lastSeen()).isNotNull();
		assertThat(first.readiness("rename-email")).isEqualTo(Readiness.SYNCS_BOTH);
		assertThat(first.readiness("another")).isEqualTo(Readiness.UNAWARE);
		assertThat(live.get(1).describe()).isEqualTo("web-2 (host host-b, version unknown)");

		// web-2 leaves at once; web-1 stops heartbeating and drops out after the timeout, still on record.
		zdm.instances().leave("web-2");
		assertThat(zdm.instances().all()).extracting(Instance::id).containsExactly("web-1");
		await().atMost(Duration.ofSeconds(30)).until(() -> zdm.instances().live().isEmpty());
		assertThat(zdm.instances().all()).extracting(Instance::id).containsExactly("web-1");

		// Silent for longer than forgetAfter, it is deleted by the next heartbeat of any instance.
		this.db.execute("UPDATE zdm.zdm_instance SET last_seen = now() - interval '1 hour' WHERE id = 'web-1'");
		zdm.instances().heartbeat(instance("web-3", "host-c", "1.5.0", Map.of()));
		assertThat(zdm.instances().all()).extracting(Instance::id).containsExactly("web-3");
	}

	@Test
	void withNoInstanceRegisteredTheGatesHold() {
		Orchestrator zdm = zdm(Duration.ofSeconds(30), TransformRegistry.NONE);
		zdm.start(rename());
		assertThat(zdm.gates("rename-email")).allSatisfy((gate) -> {
			assertThat(gate.open()).isTrue();
			assertThat(gate.blockers()).isEmpty();
		});
		assertThat(zdm.advanceTo("rename-email", Phase.COMPLETED).phase()).isEqualTo(Phase.COMPLETED);
	}

	@Test
	void contractIsRefusedWhileALiveInstanceIsOnTheOldShapeAndPassesOnceItReadsTheNewOne() {
		Orchestrator zdm = zdm(Duration.ofSeconds(30), TransformRegistry.NONE);
		zdm.start(rename());
		zdm.instances().heartbeat(instance("web-old", "host-a", "1.4.0", Map.of()));
		zdm.instances().heartbeat(instance("web-new", "host-b", "1.5.0", Map.of("rename-email", Readiness.READS_NEW)));

		// The triggers keep both shapes in step: an old instance does not hold the switch back.
		Gate switchGate = zdm.gates("rename-email").get(0);
		assertThat(switchGate.name()).isEqualTo(Gate.SWITCH);
		assertThat(switchGate.open()).isTrue();
		assertThat(switchGate.reason()).contains("triggers");
		assertThat(zdm.advanceTo("rename-email", Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);

		Gate contract = zdm.gates("rename-email").get(1);
		assertThat(contract.name()).isEqualTo(Gate.CONTRACT);
		assertThat(contract.open()).isFalse();
		assertThat(contract.required()).isEqualTo(Readiness.READS_NEW);
		assertThat(contract.blockers()).extracting(Instance::id).containsExactly("web-old");
		assertThatThrownBy(() -> zdm.advance("rename-email")).isInstanceOf(MigrationGateException.class)
			.hasMessageContaining("Migration rename-email cannot contract")
			.hasMessageContaining("web-old (host host-a, version 1.4.0) is UNAWARE")
			.hasMessageNotContaining("web-new")
			.hasMessageContaining("zdm.schema-version: rename-email")
			.hasMessageContaining("zdm.instance.readiness.rename-email=reads-new")
			.satisfies((ex) -> assertThat(((MigrationGateException) ex).gate().blockers()).hasSize(1));
		MigrationStatus refused = zdm.status("rename-email");
		assertThat(refused.phase()).isEqualTo(Phase.SWITCHED);
		assertThat(refused.error()).isNull();
		assertThat(zdm.events("rename-email")).noneMatch((event) -> event.action().endsWith("-failed"));
		assertThat(this.db.queryLong("SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass "
				+ "AND attname = 'email' AND NOT attisdropped")).isOne();

		// A sync-capable version is not enough to drop the old shape; one that reads the new shape is.
		zdm.instances().heartbeat(instance("web-old", "host-a", "1.4.1", Map.of("rename-email", Readiness.SYNCS_BOTH)));
		assertThatThrownBy(() -> zdm.advance("rename-email")).isInstanceOf(MigrationGateException.class)
			.hasMessageContaining("web-old (host host-a, version 1.4.1) is SYNCS_BOTH");
		zdm.instances().heartbeat(instance("web-old", "host-a", "1.5.0", Map.of("rename-email", Readiness.NEW_ONLY)));
		assertThat(zdm.gates("rename-email").get(1).open()).isTrue();
		assertThat(zdm.advance("rename-email").phase()).isEqualTo(Phase.COMPLETED);
	}

	@Test
	void contractPassesOnceTheOldInstanceStopsHeartbeating() {
		Orchestrator zdm = zdm(Duration.ofSeconds(1), TransformRegistry.NONE);
		zdm.start(rename());
		zdm.advanceTo("rename-email", Phase.SWITCHED);
		zdm.instances().heartbeat(instance("web-old", "host-a", "1.4.0", Map.of()));
		assertThatThrownBy(() -> zdm.advance("rename-email")).isInstanceOf(MigrationGateException.class)
			.hasMessageContaining("web-old (host host-a, version 1.4.0) is UNAWARE");
		await().atMost(Duration.ofSeconds(30)).until(() -> zdm.gates("rename-email").get(1).open());
		assertThat(zdm.advance("rename-email").phase()).isEqualTo(Phase.COMPLETED);
	}

	@Test
	void switchOfAMigrationTheApplicationSyncsNeedsEveryLiveInstanceToSync() {
		Orchestrator zdm = zdm(Duration.ofSeconds(30), TransformRegistry.of(Map.of("splitName", SPLIT)));
		zdm.start(javaSplit());
		zdm.instances().heartbeat(instance("web-old", "host-a", "2.0.0", Map.of()));
		assertThat(zdm.advanceTo("split-name", Phase.BACKFILLED).phase()).isEqualTo(Phase.BACKFILLED);
		Gate switchGate = zdm.gates("split-name").get(0);
		assertThat(switchGate.open()).isFalse();
		assertThat(switchGate.required()).isEqualTo(Readiness.SYNCS_BOTH);

		assertThatThrownBy(() -> zdm.advance("split-name")).isInstanceOf(MigrationGateException.class)
			.hasMessageContaining("Migration split-name cannot switch")
			.hasMessageContaining("web-old (host host-a, version 2.0.0) is UNAWARE")
			.hasMessageContaining("@DualWrite")
			.hasMessageContaining("zdm.instance.readiness.split-name=syncs-both");
		assertThat(zdm.status("split-name").phase()).isEqualTo(Phase.BACKFILLED);
		assertThat(zdm.status("split-name").error()).isNull();

		zdm.instances().heartbeat(instance("web-old", "host-a", "2.1.0", Map.of("split-name", Readiness.SYNCS_BOTH)));
		assertThat(zdm.advance("split-name").phase()).isEqualTo(Phase.SWITCHED);
		assertThatThrownBy(() -> zdm.advance("split-name")).isInstanceOf(MigrationGateException.class)
			.hasMessageContaining("web-old (host host-a, version 2.1.0) is SYNCS_BOTH");
		zdm.instances().leave("web-old");
		assertThat(zdm.advance("split-name").phase()).isEqualTo(Phase.COMPLETED);
	}

}

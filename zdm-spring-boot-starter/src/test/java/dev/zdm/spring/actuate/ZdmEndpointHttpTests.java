package dev.zdm.spring.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.Phase;
import dev.zdm.core.state.MigrationEvent;
import dev.zdm.testing.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code zdm} endpoint, health contributor and meters of a running web application, over HTTP, with write
 * access granted ({@code management.endpoint.zdm.access=unrestricted}) and {@code zdm.health.down-on-failure}.
 * Boot's default error settings: every reason below is in the body because the endpoint puts it there.
 */
@SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.liquibase.enabled=false", "spring.flyway.enabled=false", "zdm.locations=classpath:plans/web", "zdm.auto-advance=", "zdm.instance-id=web-1",
				"zdm.backfill.batch-size=200", "zdm.backfill.max-batch-size=500", "zdm.backfill.max-rows-per-second=2000",
				"zdm.backfill.throttle.max-active-sessions=0", "zdm.metrics.refresh-interval=200ms",
				"zdm.health.down-on-failure=true", "management.endpoints.web.exposure.include=zdm,health",
				"management.endpoint.zdm.access=unrestricted", "management.endpoint.health.show-details=always" })
class ZdmEndpointHttpTests {

	private static final TestDatabase db = WebTestApplication.database();

	@DynamicPropertySource
	static void datasource(DynamicPropertyRegistry registry) {
		registry.add("spring.datasource.url", db::jdbcUrl);
		registry.add("spring.datasource.username", db::user);
		registry.add("spring.datasource.password", db::password);
	}

	@AfterAll
	static void dropDatabase() {
		db.close();
	}

	@Autowired
	private Orchestrator orchestrator;

	@Autowired
	private MeterRegistry registry;

	@Autowired
	private Environment environment;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void anUnknownMigrationAnswers404WithTheReason() throws Exception {
		HttpResponse<String> post = send("POST", "/actuator/zdm/nope", "{\"action\":\"advance\"}", null);
		assertThat(post.statusCode()).isEqualTo(404);
		assertThat(post.body()).contains("\"status\":404").contains("\"error\":\"Not Found\"")
			.contains("No migration nope was started. Known migrations: rename-users-email, rename-accounts-email, "
					+ "rename-orders-note");
		HttpResponse<String> get = send("GET", "/actuator/zdm/nope", null, null);
		assertThat(get.statusCode()).isEqualTo(404);
		assertThat(get.body()).contains("No migration nope was started");
	}

	@Test
	void anUnknownOrMissingActionAnswers400WithTheValidOnes() throws Exception {
		HttpResponse<String> unknown = send("POST", "/actuator/zdm/rename-accounts-email", "{\"action\":\"explode\"}", null);
		assertThat(unknown.statusCode()).isEqualTo(400);
		assertThat(unknown.body()).contains("Unknown action 'explode': use one of advance, pause, resume, cancel, "
				+ "rollback, retry, restart, undo")
			.contains("\"validActions\":[\"advance\",\"pause\",\"resume\",\"cancel\",\"rollback\",\"retry\",\"restart\",\"undo\"]");
		HttpResponse<String> missing = send("POST", "/actuator/zdm/rename-accounts-email", "{}", null);
		assertThat(missing.statusCode()).isEqualTo(400);
		assertThat(missing.body()).contains("No action given: send {\\\"action\\\": \\\"...\\\"} with one of advance");
	}

	@Test
	void aRefusedActionAnswers409WithTheReason() throws Exception {
		HttpResponse<String> undo = send("POST", "/actuator/zdm/rename-accounts-email", "{\"action\":\"undo\"}", null);
		assertThat(undo.statusCode()).isEqualTo(409);
		assertThat(undo.body()).contains("\"error\":\"Conflict\"").contains("\"action\":\"undo\"")
			.contains("only a COMPLETED migration can be undone");
	}

	@Test
	void actionsAreRecordedWithTheRequestsPrincipal() throws Exception {
		HttpResponse<String> advanced = send("POST", "/actuator/zdm/rename-accounts-email", "{\"action\":\"advance\"}",
				"alice");
		assertThat(advanced.statusCode()).isEqualTo(200);
		assertThat(advanced.body()).contains("\"phase\":\"EXPANDED\"");
		HttpResponse<String> rolledBack = send("POST", "/actuator/zdm/rename-accounts-email",
				"{\"action\":\"rollback\"}", "bob");
		assertThat(rolledBack.statusCode()).isEqualTo(200);
		assertThat(rolledBack.body()).contains("\"phase\":\"ROLLED_BACK\"");
		assertThat(this.orchestrator.events("rename-accounts-email")).filteredOn((event) -> "PENDING".equals(event.fromPhase())
				|| "EXPANDING".equals(event.fromPhase()))
			.extracting(MigrationEvent::actor)
			.containsOnly("alice");
		assertThat(this.orchestrator.events("rename-accounts-email")).filteredOn((event) -> "ROLLED_BACK".equals(event.toPhase()))
			.singleElement()
			.satisfies((event) -> {
				assertThat(event.actor()).isEqualTo("bob");
				assertThat(event.detail()).isEqualTo("(on instance web-1)");
			});
		HttpResponse<String> restarted = send("POST", "/actuator/zdm/rename-accounts-email", "{\"action\":\"restart\"}",
				null);
		assertThat(restarted.statusCode()).isEqualTo(200);
		assertThat(this.orchestrator.events("rename-accounts-email")).last().satisfies((event) -> {
			assertThat(event.action()).isEqualTo("restart");
			assertThat(event.actor()).as("without a principal, the instance").isEqualTo("web-1");
		});
	}

	@Test
	void pauseAndResumeStopAndContinueTheBackfillWhileMetersAndHealthFollow() throws Exception {
		String id = "rename-users-email";
		assertThat(send("POST", "/actuator/zdm/" + id, "{\"action\":\"advance\"}", null).body())
			.contains("\"phase\":\"EXPANDED\"");
		HttpResponse<String> started = send("POST", "/actuator/zdm/" + id, "{\"action\":\"advance\"}", "carol");
		assertThat(started.statusCode()).isEqualTo(202);
		assertThat(started.body()).contains("the backfill runs in the background");
		await().atMost(Duration.ofMinutes(1)).until(() -> rowsDone(id) > 0);

		HttpResponse<String> paused = send("POST", "/actuator/zdm/" + id, "{\"action\":\"pause\",\"reason\":\"load peak\"}",
				"carol");
		assertThat(paused.statusCode()).isEqualTo(200);
		assertThat(paused.body()).contains("\"state\":\"PAUSED\"");
		// Paused: the batch in flight ends, the leases go, and no row is written any more.
		await().atMost(Duration.ofSeconds(30))
			.until(() -> db.queryLong("SELECT count(*) FROM zdm.zdm_backfill_range WHERE lease_owner IS NOT NULL") == 0);
		long rows = rowsDone(id);
		assertThat(rows).isBetween(1L, 19_999L);
		await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> rowsDone(id) == rows);
		assertThat(this.registry.get("zdm.backfill.rows").tag("migration", id).counter().count()).isEqualTo(rows);
		await().untilAsserted(() -> assertThat(
				this.registry.get("zdm.backfill.rows.remaining").tag("migration", id).gauge().value())
			.isEqualTo(20_000.0 - rows));
		assertThat(this.registry.get("zdm.backfill.batch.duration").tag("migration", id).timer().count()).isPositive();
		assertThat(send("GET", "/actuator/health/zdm", null, null).body()).contains("\"paused\":{\"" + id + "\":\"backfill PAUSED\"}");
		HttpResponse<String> refused = send("POST", "/actuator/zdm/" + id, "{\"action\":\"advance\"}", null);
		assertThat(refused.statusCode()).isEqualTo(409);
		assertThat(refused.body()).contains("its backfill is paused; resume it first");

		HttpResponse<String> resumed = send("POST", "/actuator/zdm/" + id, "{\"action\":\"resume\"}", "carol");
		assertThat(resumed.statusCode()).isEqualTo(200);
		assertThat(resumed.body()).contains("\"state\":\"RUNNING\"");
		assertThat(send("POST", "/actuator/zdm/" + id, "{\"action\":\"advance\"}", "carol").statusCode()).isEqualTo(202);
		await().atMost(Duration.ofMinutes(1))
			.until(() -> this.orchestrator.status(id).phase() == Phase.BACKFILLED);
		assertThat(db.queryLong("SELECT count(*) FROM users WHERE email_address IS DISTINCT FROM email")).isZero();
		assertThat(send("GET", "/actuator/zdm/" + id, null, null).body()).contains("\"rowsDone\":20000");
		await().untilAsserted(() -> {
			assertThat(this.registry.get("zdm.backfill.rows.remaining").tag("migration", id).gauge().value()).isZero();
			assertThat(this.registry.get("zdm.migration.phase").tag("migration", id).gauge().value())
				.isEqualTo(Phase.BACKFILLED.ordinal());
		});
		assertThat(this.orchestrator.events(id)).filteredOn((event) -> event.action().equals("pause")
				|| event.action().equals("resume"))
			.extracting(MigrationEvent::actor)
			.containsExactly("carol", "carol");
	}

	@Test
	void aFailedMigrationAnswers409AndTurnsTheHealthDownWhenConfigured() throws Exception {
		HttpResponse<String> health = send("GET", "/actuator/health/zdm", null, null);
		assertThat(health.body()).doesNotContain("rename-orders-note");
		db.execute("ALTER TABLE orders RENAME COLUMN note TO memo");
		HttpResponse<String> failed = send("POST", "/actuator/zdm/rename-orders-note", "{\"action\":\"advance\"}", null);
		assertThat(failed.statusCode()).isEqualTo(409);
		assertThat(failed.body()).contains("has no column \\\"note\\\"");
		HttpResponse<String> down = send("GET", "/actuator/health/zdm", null, null);
		assertThat(down.statusCode()).isEqualTo(503);
		assertThat(down.body()).contains("\"status\":\"DOWN\"").contains("\"failed\":{\"rename-orders-note\":");
	}

	@Test
	void theListShowsThatActionsAreEnabled() throws Exception {
		HttpResponse<String> list = send("GET", "/actuator/zdm", null, null);
		assertThat(list.statusCode()).isEqualTo(200);
		assertThat(list.body()).contains("\"actions\":{\"enabled\":true,\"access\":\"UNRESTRICTED\"");
	}

	private long rowsDone(String id) {
		var backfill = this.orchestrator.status(id).backfill();
		return (backfill != null) ? backfill.rowsDone() : 0;
	}

	private HttpResponse<String> send(String method, String path, String json, String user) throws Exception {
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create("http://localhost:" + this.environment.getProperty("local.server.port") + path))
			.method(method, (json != null) ? HttpRequest.BodyPublishers.ofString(json) : HttpRequest.BodyPublishers.noBody());
		if (json != null) {
			request.header("Content-Type", "application/json");
		}
		if (user != null) {
			request.header("X-User", user);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}

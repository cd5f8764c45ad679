package dev.zdm.spring.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.zdm.core.migration.MigrationException;
import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.Phase;
import dev.zdm.core.plan.PlanException;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The {@code zdm} endpoint and health contributor with Boot's defaults: read-only endpoint, health UP even with
 * a failed migration.
 */
@SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.liquibase.enabled=false", "spring.flyway.enabled=false", "zdm.locations=classpath:plans/web", "zdm.auto-advance=",
				"zdm.backfill.throttle.max-active-sessions=0", "zdm.health.stalled-after=300ms",
				"management.endpoints.web.exposure.include=zdm,health", "management.endpoint.health.show-details=always" })
class ZdmEndpointReadOnlyHttpTests {

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
	private Environment environment;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void withoutWriteAccessAPostAnswers405AndTheListSaysHowToEnableActions() throws Exception {
		HttpResponse<String> post = send("POST", "/actuator/zdm/rename-accounts-email", "{\"action\":\"advance\"}");
		assertThat(post.statusCode()).isEqualTo(405);
		assertThat(this.orchestrator.status("rename-accounts-email").phase()).isEqualTo(Phase.PENDING);
		HttpResponse<String> list = send("GET", "/actuator/zdm", null);
		assertThat(list.statusCode()).isEqualTo(200);
		assertThat(list.body()).contains("\"actions\":{\"enabled\":false,\"access\":\"READ_ONLY\"")
			.contains("answers 405 Method Not Allowed until management.endpoint.zdm.access=unrestricted")
			.contains("\"id\":\"rename-users-email\"");
	}

	@Test
	void aFailedMigrationIsInTheHealthDetailsButLeavesItUpByDefault() throws Exception {
		db.execute("ALTER TABLE orders RENAME COLUMN note TO memo");
		assertThatThrownBy(() -> this.orchestrator.advance("rename-orders-note"))
			.isInstanceOfAny(PlanException.class, MigrationException.class);
		HttpResponse<String> health = send("GET", "/actuator/health/zdm", null);
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"failed\":{\"rename-orders-note\":")
			.contains("has no column");
	}

	@Test
	void aBackfillNobodyRunsIsStalledAndAPausedOneIsNot() throws Exception {
		String id = "rename-users-email";
		this.orchestrator.advance(id);
		this.orchestrator.pause(id, "before it starts");
		assertThatThrownBy(() -> this.orchestrator.advance(id)).hasMessageContaining("paused");
		assertThat(this.orchestrator.status(id).phase()).isEqualTo(Phase.BACKFILLING);
		assertThat(send("GET", "/actuator/health/zdm", null).body()).contains("\"paused\":{\"" + id + "\"")
			.doesNotContain("\"stalled\"");
		// Resumed, but no instance advances it: it makes no progress.
		this.orchestrator.resume(id, null);
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(send("GET", "/actuator/health/zdm", null).body())
				.contains("\"stalled\":{\"" + id + "\":\"no progress in BACKFILLING for")
				.contains("\"inProgress\":{").contains("\"" + id + "\":\"BACKFILLING 0/"));
	}

	private HttpResponse<String> send(String method, String path, String json) throws Exception {
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create("http://localhost:" + this.environment.getProperty("local.server.port") + path))
			.method(method, (json != null) ? HttpRequest.BodyPublishers.ofString(json) : HttpRequest.BodyPublishers.noBody());
		if (json != null) {
			request.header("Content-Type", "application/json");
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}

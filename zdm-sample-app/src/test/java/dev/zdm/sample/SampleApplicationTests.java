package dev.zdm.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.Phase;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

// The test contracts products-price-cents through this instance, whose code only reads the new shape of
// products in these tests: it declares so, or the contract gate would refuse (the app is UNAWARE otherwise).
// The database is dropped after the class, before Spring closes the cached context at exit: the migrations
// still running then have lost their database, and the scheduler need not wait for them.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "zdm.instance.readiness.products-price-cents=reads-new", "zdm.scheduler.shutdown-max-wait=1s" })
class SampleApplicationTests {

	private static final TestDatabase db = TestDatabase.create();

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
	void migratesWhileServingOldCodeAndAdvancesThroughTheActuator() throws Exception {
		// Nine migrations advance at once on a loaded machine: give the two large backfills time.
		await().atMost(java.time.Duration.ofMinutes(3))
			.until(() -> this.orchestrator.status("rename-users-email").phase() == Phase.BACKFILLED
				&& this.orchestrator.status("products-price-cents").phase() == Phase.BACKFILLED);
		// Old code keeps writing users.email; the new column follows.
		HttpResponse<String> put = send("PUT", "/users/7", "{\"email\":\"seven@example.com\"}");
		assertThat(put.statusCode()).isEqualTo(200);
		assertThat(db.queryStrings("SELECT email_address FROM users WHERE id = 7")).containsExactly("seven@example.com");

		HttpResponse<String> status = send("GET", "/actuator/zdm", null);
		assertThat(status.statusCode()).isEqualTo(200);
		assertThat(status.body()).contains("\"id\":\"rename-users-email\"").contains("\"phase\":\"BACKFILLED\"")
			.contains("\"rowsDone\":50000");

		HttpResponse<String> advanced = send("POST", "/actuator/zdm/products-price-cents", "{\"action\":\"advance\"}");
		assertThat(advanced.statusCode()).isEqualTo(200);
		assertThat(advanced.body()).contains("\"phase\":\"SWITCHED\"");
		assertThat(send("POST", "/actuator/zdm/products-price-cents", "{\"action\":\"advance\"}").body())
			.contains("\"phase\":\"COMPLETED\"");
		assertThat(db.queryLong("SELECT sum(price_cents) FROM products"))
			.isEqualTo(db.queryLong("SELECT sum(g % 10000) FROM generate_series(1, 50000) g"));

		HttpResponse<String> wrong = send("POST", "/actuator/zdm/rename-users-email", "{\"action\":\"explode\"}");
		assertThat(wrong.statusCode()).isEqualTo(400);
	}

	private HttpResponse<String> send(String method, String path, String json) throws Exception {
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create("http://localhost:" + this.environment.getProperty("local.server.port") + path))
			.header("Content-Type", "application/json");
		request.method(method, (json != null) ? HttpRequest.BodyPublishers.ofString(json) : HttpRequest.BodyPublishers.noBody());
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}

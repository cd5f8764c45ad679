package dev.zdm.sample;

import java.net.http.HttpResponse;
import java.time.Duration;

import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app as a user meets it (old code): its seeded data, its REST endpoints, the traffic generator on a
 * quiet database, the actuator's zdm and Prometheus endpoints.
 */
class SampleApplicationTests {

	private static TestDatabase db;

	private static SampleInstance app;

	@BeforeAll
	static void start() {
		db = TestDatabase.create();
		app = SampleInstance.start(db, "old");
	}

	@AfterAll
	static void stop() {
		if (app != null) {
			app.close();
		}
		db.close();
	}

	@Test
	void seedsEachEmptyTableWithTheConfiguredRowsOnce() {
		assertSeeded();
		// A second start (another instance, a restart) finds the tables filled and adds nothing.
		app.context().getBean(DemoData.class).initializeDatabase();
		assertSeeded();
		assertThat(db.queryLong("SELECT count(*) FROM users WHERE id <= 3000 AND name <> 'User ' || id")).isZero();
		assertThat(db.queryLong("SELECT count(*) FROM orders o WHERE NOT EXISTS "
				+ "(SELECT 1 FROM customers c WHERE c.id = o.customer_id)")).isZero();
	}

	private static void assertSeeded() {
		assertThat(db.queryLong("SELECT count(*) FROM users WHERE id <= 3000")).isEqualTo(3000);
		assertThat(db.queryLong("SELECT count(*) FROM products WHERE id <= 1000")).isEqualTo(1000);
		assertThat(db.queryLong("SELECT count(*) FROM customers WHERE id <= 300")).isEqualTo(300);
		assertThat(db.queryLong("SELECT count(*) FROM orders WHERE id <= 1000")).isEqualTo(1000);
		assertThat(db.queryLong("SELECT count(*) FROM documents")).isEqualTo(500);
		for (String table : new String[] { "accounts", "subscribers", "tasks", "events" }) {
			assertThat(db.queryLong("SELECT count(*) FROM " + table)).as(table).isEqualTo(500);
		}
	}

	@Test
	void servesUsersProductsCustomersAndOrders() {
		assertThat(app.get("/users/7").body()).isEqualTo("{\"id\":7,\"email\":\"user7@example.com\",\"name\":\"User 7\"}");
		HttpResponse<String> missing = app.get("/users/99999999");
		assertThat(missing.statusCode()).isEqualTo(404);
		assertThat(missing.body()).contains("No user 99999999");
		assertThat(app.put("/users/8", "{\"email\":\"eight@example.com\"}").body()).contains("\"email\":\"eight@example.com\"");
		assertThat(db.queryStrings("SELECT email FROM users WHERE id = 8")).containsExactly("eight@example.com");
		HttpResponse<String> created = app.post("/users", "{\"email\":\"new@example.com\",\"name\":\"New\"}");
		assertThat(created.statusCode()).isEqualTo(201);
		assertThat(created.body()).contains("\"email\":\"new@example.com\"");

		assertThat(app.put("/products/3", "{\"price\":12.34}").body()).contains("\"price\":12.34");
		assertThat(app.get("/customers/2").body()).contains("\"email\":\"customer2@example.com\"");
		HttpResponse<String> order = app.post("/orders", "{\"customerId\":2,\"total\":9.99}");
		assertThat(order.statusCode()).isEqualTo(201);
		assertThat(app.get("/customers/2/orders?limit=1").body()).contains("\"total\":9.99");
		assertThat(app.get("/accounts/4").body()).contains("\"legacy_code\":\"L4\"");
	}

	@Test
	void generatesTrafficWithoutFailuresOnAQuietDatabase() {
		long usersBefore = db.queryLong("SELECT count(*) FROM users");
		HttpResponse<String> started = app.post("/traffic/start?threads=2&rate=400", null);
		assertThat(started.statusCode()).isEqualTo(200);
		assertThat(started.body()).contains("\"running\":true").contains("\"threads\":2");
		await().atMost(Duration.ofSeconds(60)).until(() -> app.traffic().requests() >= 500);
		HttpResponse<String> stopped = app.post("/traffic/stop", null);
		assertThat(stopped.body()).contains("\"running\":false");

		TrafficGenerator.Report report = app.traffic();
		assertThat(report.requests()).isGreaterThanOrEqualTo(500);
		assertThat(report.failedRequests()).isZero();
		assertThat(report.lastError()).isNull();
		assertThat(report.latencyMillis().p50()).isPositive();
		assertThat(report.latencyMillis().max()).isGreaterThanOrEqualTo(report.latencyMillis().p99());
		// About one request in twenty creates a user, one in ten an order.
		assertThat(db.queryLong("SELECT count(*) FROM users")).isGreaterThan(usersBefore);
		assertThat(app.get("/traffic").body()).contains("\"failedRequests\":0").contains("\"requests\":" + report.requests());

		String prometheus = app.get("/actuator/prometheus").body();
		assertThat(prometheus).contains("sample_traffic_requests_seconds_count " + report.requests())
			.contains("sample_traffic_requests_seconds{quantile=\"0.99\"")
			.contains("sample_traffic_failures_total 0.0")
			.contains("hikaricp_connections_active");
	}

	@Test
	void listsTheGuidesMigrationsWaitingToBeAdvanced() {
		HttpResponse<String> status = app.get("/actuator/zdm");
		assertThat(status.statusCode()).isEqualTo(200);
		for (String id : new String[] { "rename-users-email", "products-price-cents", "events-happened-at-index",
				"tasks-title-not-null", "customers-middle-name", "documents-word-count", "accounts-drop-legacy-code",
				"orders-customer-fk", "subscribers-email-unique", "customers-split-name" }) {
			assertThat(status.body()).contains("{\"id\":\"" + id + "\"");
		}
		HttpResponse<String> wrong = app.act("rename-users-email", "explode");
		assertThat(wrong.statusCode()).isEqualTo(400);
		assertThat(wrong.body()).contains("Unknown action");
	}

	@Test
	void theCustomersRepositoryKeepsTheSplitNameInStepThroughDualWrite() {
		assertThat(app.act("customers-split-name", "advance").statusCode()).isEqualTo(200);
		await().atMost(java.time.Duration.ofMinutes(2))
			.until(() -> app.get("/actuator/zdm/customers-split-name").body().contains("\"phase\":\"EXPANDED\""));
		// No trigger syncs a Java transform: the repository's @DualWrite does, in the write's transaction.
		assertThat(app.put("/customers/3", "{\"email\":\"customer3@example.com\",\"name\":\"Ada King Lovelace\"}")
			.statusCode()).isEqualTo(200);
		assertThat(db.queryStrings("SELECT first_name || '/' || last_name FROM customers WHERE id = 3"))
			.containsExactly("Ada/King Lovelace");
		HttpResponse<String> created = app.post("/customers", "{\"email\":\"grace@example.com\",\"name\":\"Grace Hopper\"}");
		assertThat(created.statusCode()).isEqualTo(201);
		assertThat(db.queryStrings("SELECT first_name || '/' || last_name FROM customers WHERE email = 'grace@example.com'"))
			.containsExactly("Grace/Hopper");
	}

}

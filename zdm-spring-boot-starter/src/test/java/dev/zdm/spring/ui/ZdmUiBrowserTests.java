package dev.zdm.spring.ui;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.Phase;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The status page in a real browser: an application serving HTTP, a migration held in {@code BACKFILLING} by a
 * slow backfill, and headless Chromium loading the page under a custom management base path.
 */
@ExtendWith(PostgresExtension.class)
class ZdmUiBrowserTests {

	private static final String MIGRATION = "rename-users-email";

	private static final Path OUTPUT = Path.of("target", "zdm-ui");

	private final TestDatabase db;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	ZdmUiBrowserTests(TestDatabase db) {
		this.db = db;
	}

	@BeforeEach
	void createTable() {
		this.db.execute("DROP SCHEMA IF EXISTS zdm CASCADE", "DROP TABLE IF EXISTS users CASCADE",
				"CREATE TABLE users (id bigint PRIMARY KEY, email text)",
				"INSERT INTO users SELECT g, 'user' || g || '@example.com' FROM generate_series(1, 20000) g",
				// The page's total is the planner's estimate, as on any table autovacuum has seen.
				"ANALYZE users");
	}

	@Test
	void chromiumShowsAMigrationInBackfillWithItsPhaseAndProgress() throws Exception {
		HeadlessChromium chromium = HeadlessChromium.find(OUTPUT);
		if (HeadlessChromium.REQUIRED) {
			assertThat(chromium).as(HeadlessChromium.INSTALL_HINT + " (ZDM_REQUIRE_CHROMIUM is set)").isNotNull();
		}
		Assumptions.assumeTrue(chromium != null, HeadlessChromium.INSTALL_HINT);
		try (ConfigurableApplicationContext app = start("zdm.ui.enabled=true",
				"management.endpoints.web.exposure.include=zdm,zdm-ui",
				"management.endpoints.web.base-path=/manage",
				// 100 rows a batch and a pause after each: the backfill of 20,000 rows lasts about a minute.
				"zdm.backfill.batch-size=100", "zdm.backfill.min-batch-size=100", "zdm.backfill.max-batch-size=100",
				"zdm.backfill.pause=250ms")) {
			Orchestrator orchestrator = app.getBean(Orchestrator.class);
			await().atMost(Duration.ofSeconds(60)).until(() -> {
				var status = orchestrator.status(MIGRATION);
				return status.phase() == Phase.BACKFILLING && status.backfill() != null
						&& status.backfill().rowsDone() >= 500;
			});
			String page = "http://127.0.0.1:" + port(app) + "/manage/zdm-ui";

			String dom = chromium.dumpDom(page, 4000);
			Files.writeString(OUTPUT.resolve("zdm-ui.html"), dom);
			chromium.screenshot(page, 4000, OUTPUT.resolve("zdm-ui.png"), 1280, 760);

			assertThat(dom).contains("data-migration-id=\"" + MIGRATION + "\"")
				.contains("data-phase=\"BACKFILLING\"")
				.containsPattern("<span class=\"badge phase running\">BACKFILLING</span>")
				.containsPattern("<li class=\"current running\" data-phase=\"BACKFILLING\">BACKFILLING")
				.containsPattern("<li class=\"done\" data-phase=\"EXPANDED\">EXPANDED")
				.containsPattern("<li class=\"todo\" data-phase=\"SWITCHED\">SWITCHED")
				.contains("Rename users.email to users.email_address")
				.contains("Updated ");
			Matcher progress = Pattern.compile("data-rows-done=\"(\\d+)\" data-rows-total=\"(\\d+)\"").matcher(dom);
			assertThat(progress.find()).as("a progress bar with rows done and total in %s", OUTPUT).isTrue();
			long done = Long.parseLong(progress.group(1));
			assertThat(Long.parseLong(progress.group(2))).isEqualTo(20000);
			assertThat(done).isBetween(500L, 19999L);
			assertThat(dom).containsPattern("rows <b>[\\d,.\\u00a0\\u202f ]+ / ~20[,.\\u00a0\\u202f ]?000</b>")
				.containsPattern("rate <b>[\\d,.\\u00a0\\u202f ]+ rows/s</b>")
				.containsPattern("ETA <b>(\\d+[dhms] ?)+</b>");
			// Throttled or not, the page says which (from the endpoint, or from the audit log's throttle events).
			assertThat(dom).containsPattern("<div class=\"throttle[^\"]*\" data-throttle=\"(?:[A-Z_, ]+|none)\">Throttle: ");
			// The last events come from the single-migration view.
			assertThat(dom).containsPattern("<td class=\"nowrap\">advance</td><td>EXPANDED \u2192 BACKFILLING</td>");
			assertThat(Files.size(OUTPUT.resolve("zdm-ui.png"))).isGreaterThan(10_000);
		}
	}

	@Test
	void thePageIsServedAsHtmlWithTheEndpointsRulesAndFindsTheJsonRelativeToItself() throws Exception {
		try (ConfigurableApplicationContext app = start("zdm.ui.enabled=true",
				"management.endpoints.web.exposure.include=zdm,zdm-ui",
				"zdm.auto-advance=")) {
			String base = "http://127.0.0.1:" + port(app) + "/actuator";
			HttpResponse<String> page = get(base + "/zdm-ui", "text/html");
			assertThat(page.statusCode()).isEqualTo(200);
			assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(
					(type) -> assertThat(type).startsWith("text/html"));
			assertThat(page.body()).contains("data-zdm=\"zdm\"").contains("Content-Security-Policy")
				.doesNotContain("<script src").doesNotContain("<link");
			// What the page reads, from where it reads it.
			HttpResponse<String> json = get(URI.create(base + "/zdm-ui").resolve("zdm").toString(), "application/json");
			assertThat(json.statusCode()).isEqualTo(200);
			assertThat(json.body()).contains("\"id\":\"" + MIGRATION + "\"").contains("\"phase\":\"PENDING\"");
			// Listed among the endpoints, at its path.
			assertThat(get(base, "application/json").body()).contains("/actuator/zdm-ui\"");
			// Read-only: there is nothing to write.
			HttpResponse<String> post = this.http.send(HttpRequest.newBuilder(URI.create(base + "/zdm-ui"))
				.POST(HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(post.statusCode()).isIn(404, 405);
		}
	}

	@Test
	void underMappedPathsThePageStillFindsTheJsonRelativeToItself() throws Exception {
		try (ConfigurableApplicationContext app = start("zdm.ui.enabled=true",
				"management.endpoints.web.exposure.include=zdm,zdm-ui",
				"management.endpoints.web.base-path=/ops", "management.endpoints.web.path-mapping.zdm=migrations",
				"management.endpoints.web.path-mapping.zdm-ui=status/zdm", "zdm.auto-advance=")) {
			String page = "http://127.0.0.1:" + port(app) + "/ops/status/zdm";
			HttpResponse<String> response = get(page, "text/html");
			assertThat(response.statusCode()).isEqualTo(200);
			Matcher zdm = Pattern.compile("data-zdm=\"([^\"]+)\"").matcher(response.body());
			assertThat(zdm.find()).isTrue();
			assertThat(zdm.group(1)).isEqualTo("../migrations");
			HttpResponse<String> json = get(URI.create(page).resolve(zdm.group(1)).toString(), "application/json");
			assertThat(json.statusCode()).isEqualTo(200);
			assertThat(json.body()).contains("\"id\":\"" + MIGRATION + "\"");
		}
	}

	@Test
	void notExposedThePageIsNotFoundWhileTheEndpointAnswers() throws Exception {
		try (ConfigurableApplicationContext app = start("zdm.ui.enabled=true",
				"management.endpoints.web.exposure.include=zdm",
				"zdm.auto-advance=")) {
			String base = "http://127.0.0.1:" + port(app) + "/actuator";
			assertThat(get(base + "/zdm-ui", "text/html").statusCode()).isEqualTo(404);
			assertThat(get(base + "/zdm", "application/json").statusCode()).isEqualTo(200);
		}
	}

	@Test
	void withAccessNoneThePageIsNotFound() throws Exception {
		try (ConfigurableApplicationContext app = start("zdm.ui.enabled=true",
				"management.endpoints.web.exposure.include=zdm,zdm-ui",
				"management.endpoint.zdm-ui.access=none", "zdm.auto-advance=")) {
			String base = "http://127.0.0.1:" + port(app) + "/actuator";
			assertThat(get(base + "/zdm-ui", "text/html").statusCode()).isEqualTo(404);
			assertThat(get(base + "/zdm", "application/json").statusCode()).isEqualTo(200);
		}
	}

	@Test
	void disabledByDefaultThePageIsNotFoundEvenWhenExposed() throws Exception {
		try (ConfigurableApplicationContext app = start("management.endpoints.web.exposure.include=zdm,zdm-ui",
				"zdm.auto-advance=")) {
			String base = "http://127.0.0.1:" + port(app) + "/actuator";
			assertThat(get(base + "/zdm-ui", "text/html").statusCode()).isEqualTo(404);
			assertThat(get(base + "/zdm", "application/json").statusCode()).isEqualTo(200);
		}
	}

	private ConfigurableApplicationContext start(String... properties) {
		SpringApplicationBuilder builder = new SpringApplicationBuilder(UiTestApplication.class)
			.web(WebApplicationType.SERVLET)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.datasource.url=" + this.db.jdbcUrl(),
					"spring.datasource.username=" + this.db.user(), "spring.datasource.password=" + this.db.password(),
					"zdm.locations=classpath:plans/ok", "zdm.instance-id=ui-test",
					"spring.main.banner-mode=off", "spring.liquibase.enabled=false", "spring.flyway.enabled=false");
		return builder.properties(properties).run();
	}

	private static int port(ConfigurableApplicationContext app) {
		return ((WebServerApplicationContext) app).getWebServer().getPort();
	}

	private HttpResponse<String> get(String url, String accept) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", accept).GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class UiTestApplication {

	}

}

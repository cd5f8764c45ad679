package dev.zdm.spring.ui;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page's drawing of the shapes the {@code zdm} endpoint may answer with (gates as a list with blockers, live
 * instances, a throttle state, a rolled-back and a failed migration, an id that looks like markup) and of an
 * endpoint that does not answer, in headless Chromium against canned JSON.
 */
class ZdmUiPageTests {

	private static final Path OUTPUT = Path.of("target", "zdm-ui", "page");

	private static final String LIST = """
			{"migrations": [
			  {"id": "split-name", "description": "Split users.name", "phase": "BACKFILLING", "error": null,
			   "backfill": {"state": "RUNNING", "rowsDone": 250000, "rowsTotal": 1000000, "rowsPerSecond": 12500.0,
			     "eta": "PT1M", "ranges": 16, "rangesDone": 4, "batchSize": 2000, "throttle": "SLOW",
			     "throttleReason": "replication lag 12 s, over 5 s"},
			   "gates": [{"name": "switch", "open": false, "reason": "1 instance is not sync-capable",
			     "blockers": [{"id": "app-2", "host": "h2"}]}],
			   "updatedAt": "2026-11-27T06:00:00Z"},
			  {"id": "drop-legacy", "phase": "ROLLED_BACK", "error": "Backfill failed: the plan names no column \\"x\\"",
			   "backfill": null, "gates": {"switch": "passed", "contract": "passed"}},
			  {"id": "<img src=x onerror=alert(1)>", "phase": "COMPLETED", "backfill": {"rowsDone": 5, "rowsTotal": 5}}
			],
			 "instances": [{"id": "app-1", "host": "h1", "version": "2.0", "lastSeen": "2026-11-27T06:00:00Z"},
			               {"id": "app-2", "host": "h2", "version": "1.9", "lastSeen": "2026-11-27T06:00:01Z"}]}
			""";

	private static final String SPLIT_NAME = """
			{"id": "split-name", "phase": "BACKFILLING", "events": [
			  {"at": "2026-11-27T05:59:00Z", "action": "advance", "fromPhase": "EXPANDED", "toPhase": "BACKFILLING", "actor": "app-1"}]}
			""";

	private static final String DROP_LEGACY = """
			{"id": "drop-legacy", "phase": "ROLLED_BACK", "events": [
			  {"at": "2026-11-27T05:00:00Z", "action": "advance", "fromPhase": "PENDING", "toPhase": "EXPANDED", "actor": "app-1"},
			  {"at": "2026-11-27T05:01:00Z", "action": "rollback", "fromPhase": "EXPANDED", "toPhase": "ROLLING_BACK", "actor": "ops"},
			  {"at": "2026-11-27T05:02:00Z", "action": "rollback", "fromPhase": "ROLLING_BACK", "toPhase": "ROLLED_BACK", "actor": "ops"}]}
			""";

	private HttpServer server;

	private String page;

	@BeforeEach
	void serve() throws IOException {
		this.page = new ZdmUiEndpoint(new ZdmUiProperties(), () -> "zdm").page();
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.createContext("/", this::answer);
		this.server.start();
	}

	@AfterEach
	void stop() {
		this.server.stop(0);
	}

	@Test
	void drawsEveryShapeTheEndpointMayAnswerWithAsText() throws Exception {
		HeadlessChromium chromium = chromium();
		String url = "http://127.0.0.1:" + this.server.getAddress().getPort() + "/actuator/zdm-ui";

		String dom = chromium.dumpDom(url, 3000);
		Files.writeString(Files.createDirectories(OUTPUT).resolve("shapes.html"), dom);
		chromium.screenshot(url, 3000, OUTPUT.resolve("shapes.png"), 1280, 1400);

		assertThat(dom).contains("<div class=\"throttle active\" data-throttle=\"SLOW\">Throttle: <span class=\"state\">SLOW</span>"
				+ " \u2014 replication lag 12 s, over 5 s</div>")
			.contains("data-rows-done=\"250000\" data-rows-total=\"1000000\"")
			.contains("done <b>25.0%</b>")
			.contains("ETA <b>1m</b>")
			.contains("ranges <b>4 / 16 done</b>")
			.contains("<dt>switch</dt><dd class=\"closed\">closed: 1 instance is not sync-capable (waiting for app-2)</dd>")
			.contains("<dt>contract</dt><dd>passed</dd>")
			.contains("Live instances (2)")
			.contains("<td>app-1</td><td>h1</td><td>2.0</td>")
			.contains("<td>app-2</td><td>h2</td><td>1.9</td>");
		// A rollback: the way it went, then the branch it took.
		assertThat(dom).contains("<li class=\"done skipped\" data-phase=\"EXPANDED\">")
			.contains("<li class=\"todo skipped\" data-phase=\"BACKFILLING\">")
			.contains("<li class=\"other done\" data-phase=\"ROLLING_BACK\">")
			.contains("<li class=\"other current\" data-phase=\"ROLLED_BACK\">")
			.contains("<div class=\"error\">Backfill failed: the plan names no column \"x\"</div>")
			.contains("<td class=\"nowrap\">rollback</td><td>ROLLING_BACK \u2192 ROLLED_BACK</td><td class=\"nowrap\">ops</td>");
		// What the endpoint says is shown as text, never run as markup.
		assertThat(dom).contains("<h2>&lt;img src=x onerror=alert(1)&gt;</h2>").doesNotContain("<img");
		assertThat(dom).contains("<span class=\"badge phase done\">COMPLETED</span>")
			.contains("<p class=\"problem\">Events could not be read: zdm/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E answered 404: No endpoint zdm here</p>");
	}

	@Test
	void saysWhenTheEndpointDoesNotAnswer() throws Exception {
		HeadlessChromium chromium = chromium();
		String url = "http://127.0.0.1:" + this.server.getAddress().getPort() + "/unexposed/zdm-ui";

		String dom = chromium.dumpDom(url, 3000);

		assertThat(dom).contains("<p id=\"status\" class=\"status problem\" role=\"status\">Cannot read the zdm endpoint (zdm): "
				+ "zdm answered 404: No endpoint zdm here \u2014 is the zdm endpoint exposed? "
				+ "management.endpoints.web.exposure.include=zdm,zdm-ui</p>");
	}

	private static HeadlessChromium chromium() {
		HeadlessChromium chromium = HeadlessChromium.find(OUTPUT);
		if (HeadlessChromium.REQUIRED) {
			assertThat(chromium).as(HeadlessChromium.INSTALL_HINT + " (ZDM_REQUIRE_CHROMIUM is set)").isNotNull();
		}
		Assumptions.assumeTrue(chromium != null, HeadlessChromium.INSTALL_HINT);
		return chromium;
	}

	private void answer(HttpExchange exchange) throws IOException {
		String path = exchange.getRequestURI().getRawPath();
		int status = 200;
		String type = "application/json";
		String body;
		if (path.endsWith("/zdm-ui")) {
			type = "text/html;charset=UTF-8";
			body = this.page;
		}
		else if (path.equals("/actuator/zdm")) {
			body = LIST;
		}
		else if (path.equals("/actuator/zdm/split-name")) {
			body = SPLIT_NAME;
		}
		else if (path.equals("/actuator/zdm/drop-legacy")) {
			body = DROP_LEGACY;
		}
		else {
			status = 404;
			body = "{\"message\": \"No endpoint zdm here\"}";
		}
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().add("Content-Type", type);
		exchange.sendResponseHeaders(status, bytes.length);
		exchange.getResponseBody().write(bytes);
		exchange.close();
	}

}

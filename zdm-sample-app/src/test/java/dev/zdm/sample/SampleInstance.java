package dev.zdm.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import dev.zdm.testing.TestDatabase;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One running instance of the sample app on a test database, on a random port, spoken to over HTTP as a
 * user would. Small seed sizes keep start-up short.
 */
final class SampleInstance implements AutoCloseable {

	/** {@code sample.seed.*} of the tests. */
	static final List<String> SMALL_SEED = List.of("--sample.seed.users=3000", "--sample.seed.products=1000",
			"--sample.seed.customers=300", "--sample.seed.orders=1000", "--sample.seed.documents=500",
			"--sample.seed.others=500");

	private final ConfigurableApplicationContext context;

	private final HttpClient http = HttpClient.newHttpClient();

	private SampleInstance(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/** Starts the app with {@code codeVersion} ({@code old} or {@code new}) on {@code db}. */
	static SampleInstance start(TestDatabase db, String codeVersion, String... more) {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--spring.datasource.url=" + db.jdbcUrl(),
				"--spring.datasource.username=" + db.user(), "--spring.datasource.password=" + db.password(),
				"--sample.code-version=" + codeVersion));
		args.addAll(SMALL_SEED);
		args.addAll(List.of(more));
		return new SampleInstance(new SpringApplicationBuilder(SampleApplication.class).run(args.toArray(String[]::new)));
	}

	ConfigurableApplicationContext context() {
		return this.context;
	}

	HttpResponse<String> get(String path) {
		return send("GET", path, null);
	}

	HttpResponse<String> post(String path, String json) {
		return send("POST", path, json);
	}

	HttpResponse<String> put(String path, String json) {
		return send("PUT", path, json);
	}

	/** {@code POST /actuator/zdm/{id}} with {@code action}. */
	HttpResponse<String> act(String id, String action) {
		return post("/actuator/zdm/" + id, "{\"action\":\"" + action + "\"}");
	}

	HttpResponse<String> send(String method, String path, String json) {
		String port = this.context.getEnvironment().getProperty("local.server.port");
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.header("Content-Type", "application/json")
			.method(method, (json != null) ? HttpRequest.BodyPublishers.ofString(json) : HttpRequest.BodyPublishers.noBody());
		try {
			return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(method + " " + path + ": " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** The traffic generator's report, from {@code GET /traffic}. */
	TrafficGenerator.Report traffic() {
		return this.context.getBean(TrafficGenerator.class).report();
	}

	/** Requests the traffic generator made so far. */
	long requestCount() {
		return traffic().requests();
	}

	@Override
	public void close() {
		this.context.close();
	}

}

package dev.zdm.sample;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.LongSupplier;

import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The rename of {@code users.email} (db/zdm/001-rename-users-email.yaml) as the walkthrough shows it: a rolling
 * deploy from the old code to the new while both take traffic, every phase advanced over HTTP through the
 * actuator endpoint, no failed request and no row whose two columns disagree; after contract only the new code
 * remains, and its {@code /users} endpoints work.
 */
class RollingDeployTests {

	private static final String ID = "rename-users-email";

	@Test
	void renameUnderTrafficThroughARollingDeployFailsNoRequest() {
		try (TestDatabase db = TestDatabase.create(); SampleInstance old = SampleInstance.start(db, "old")) {
			assertThat(old.post("/traffic/start?threads=2&rate=200", null).statusCode()).isEqualTo(200);
			awaitMore(old::requestCount, 100);

			assertThat(phaseAfter(old.act(ID, "advance"))).isEqualTo("EXPANDED");
			// The backfill runs in the background: 202 at once, the phase follows.
			assertThat(old.act(ID, "advance").statusCode()).isEqualTo(202);
			await().atMost(Duration.ofMinutes(2)).until(() -> old.get("/actuator/zdm/" + ID).body()
				.contains("\"phase\":\"BACKFILLED\""));
			// Rows the traffic wrote since expand were filled by the sync trigger, the rest by the backfill.
			assertThat(old.get("/actuator/zdm/" + ID).body()).contains("\"rowsDone\":");
			assertThat(db.queryLong("SELECT count(*) FROM users WHERE email_address IS DISTINCT FROM email")).isZero();

			// Deploy: the new code starts beside the old one, on the same database.
			try (SampleInstance current = SampleInstance.start(db, "new")) {
				assertThat(current.post("/traffic/start?threads=2&rate=200", null).statusCode()).isEqualTo(200);
				awaitMore(current::requestCount, 100);
				assertThat(phaseAfter(current.act(ID, "advance"))).isEqualTo("SWITCHED");
				awaitMore(old::requestCount, 100);
				awaitMore(current::requestCount, 100);
				// Both versions wrote both columns through the sync trigger: none disagrees.
				assertThat(db.queryLong("SELECT count(*) FROM users WHERE email IS DISTINCT FROM email_address")).isZero();

				// The old code is retired: its instance stops.
				assertThat(old.post("/traffic/stop", null).statusCode()).isEqualTo(200);
				TrafficGenerator.Report oldReport = old.traffic();
				old.close();
				assertThat(oldReport.failedRequests()).as("old code's failed requests, last: %s", oldReport.lastError())
					.isZero();
				assertThat(oldReport.requests()).isGreaterThan(300);

				assertThat(phaseAfter(current.act(ID, "advance"))).isEqualTo("COMPLETED");
				awaitMore(current::requestCount, 200);
				assertThat(current.post("/traffic/stop", null).body()).contains("\"failedRequests\":0");
				TrafficGenerator.Report report = current.traffic();
				assertThat(report.failedRequests()).as("new code's failed requests, last: %s", report.lastError()).isZero();
				assertThat(report.lastError()).isNull();

				assertThat(db.queryLong("SELECT count(*) FROM information_schema.columns WHERE table_name = 'users'"
						+ " AND column_name = 'email'")).isZero();
				assertThat(db.queryLong("SELECT count(*) FROM users WHERE email_address IS NULL")).isZero();
				assertThat(db.queryLong("SELECT count(*) FROM users WHERE id > 3000")).isPositive();
				// The new code's /users after contract (the old code's answered 500: column "email" does not exist).
				assertThat(current.get("/users/2999").body()).contains("\"id\":2999,\"email\":\"");
				HttpResponse<String> put = current.put("/users/2999", "{\"email\":\"renamed@example.com\"}");
				assertThat(put.statusCode()).isEqualTo(200);
				assertThat(db.queryStrings("SELECT email_address FROM users WHERE id = 2999"))
					.containsExactly("renamed@example.com");
				assertThat(current.post("/users", "{\"email\":\"after@example.com\",\"name\":\"After\"}").statusCode())
					.isEqualTo(201);
				assertThat(current.get("/users?limit=5").statusCode()).isEqualTo(200);
			}
		}
	}

	@Test
	void theContractGateKeepsTheOldColumnWhileTheOldCodeRuns() {
		try (TestDatabase db = TestDatabase.create(); SampleInstance old = SampleInstance.start(db, "old")) {
			assertThat(phaseAfter(old.act(ID, "advance"))).isEqualTo("EXPANDED");
			// The backfill runs in the background: 202, and the phase follows.
			assertThat(old.act(ID, "advance").statusCode()).isEqualTo(202);
			await().atMost(Duration.ofMinutes(2)).until(() -> old.get("/actuator/zdm/" + ID).body()
				.contains("\"phase\":\"BACKFILLED\""));
			assertThat(phaseAfter(old.act(ID, "advance"))).isEqualTo("SWITCHED");
			// The old code still reads users.email: its heartbeat says so, and contract is refused, naming it.
			HttpResponse<String> refused = old.act(ID, "advance");
			assertThat(refused.statusCode()).isEqualTo(409);
			assertThat(refused.body()).contains("cannot contract").contains("is UNAWARE");
			assertThat(old.get("/actuator/zdm/" + ID).body()).contains("\"phase\":\"SWITCHED\"");
			assertThat(old.get("/users/1").statusCode()).isEqualTo(200);
		}
	}

	private static String phaseAfter(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		String body = response.body();
		int at = body.indexOf("\"phase\":\"") + 9;
		return body.substring(at, body.indexOf('"', at));
	}

	private static void awaitMore(LongSupplier requests, long more) {
		long until = requests.getAsLong() + more;
		await().atMost(Duration.ofMinutes(1)).until(() -> requests.getAsLong() >= until);
	}

}

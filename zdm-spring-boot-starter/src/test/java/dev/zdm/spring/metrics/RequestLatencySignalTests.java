package dev.zdm.spring.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.zdm.core.backfill.Throttle;
import dev.zdm.core.backfill.ThrottleSignal;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application's request latency ({@code http.server.requests}) as a throttle signal: the mean over each
 * window, actuator requests excluded, computed once per window.
 */
class RequestLatencySignalTests {

	private final MeterRegistry registry = new SimpleMeterRegistry();

	private final AtomicLong now = new AtomicLong();

	private final RequestLatencySignal signal = new RequestLatencySignal(this.registry, Duration.ofMillis(200),
			Duration.ofSeconds(5), this.now::get);

	private final ThrottleSignal.Context context = new ThrottleSignal.Context(null, "m", List.of(), List.of(),
			Duration.ZERO);

	private void requests(String uri, int count, Duration each) {
		Timer timer = Timer.builder("http.server.requests").tag("uri", uri).register(this.registry);
		for (int i = 0; i < count; i++) {
			timer.record(each);
		}
	}

	private void windowPasses() {
		this.now.addAndGet(Duration.ofSeconds(5).toNanos());
	}

	@Test
	void slowsTheBackfillWhileTheApplicationsMeanLatencyIsAtTheLimit() {
		requests("/orders", 10, Duration.ofMillis(20));
		windowPasses();
		assertThat(this.signal.check(this.context)).isEmpty();
		requests("/orders", 10, Duration.ofMillis(300));
		requests("/users/{id}", 10, Duration.ofMillis(200));
		windowPasses();
		assertThat(this.signal.check(this.context)).hasValueSatisfying((throttle) -> {
			assertThat(throttle.signal()).isEqualTo("request-latency");
			assertThat(throttle.response()).isEqualTo(Throttle.Response.SLOW);
			assertThat(throttle.reason()).contains("250 ms on average over the last 5 s (20 requests), at most 200 ms "
					+ "allowed (zdm.backfill.throttle.max-request-latency)");
		});
		// Within the window the answer stays; a quiet window clears it.
		assertThat(this.signal.check(this.context)).isPresent();
		windowPasses();
		assertThat(this.signal.check(this.context)).isEmpty();
	}

	@Test
	void actuatorRequestsDoNotCount() {
		requests("/actuator/prometheus", 50, Duration.ofSeconds(2));
		requests("/orders", 5, Duration.ofMillis(10));
		windowPasses();
		assertThat(this.signal.check(this.context)).isEmpty();
	}

}

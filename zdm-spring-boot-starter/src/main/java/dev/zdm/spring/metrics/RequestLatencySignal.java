package dev.zdm.spring.metrics;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongSupplier;

import dev.zdm.core.backfill.Throttle;
import dev.zdm.core.backfill.ThrottleSignal;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The application's own request latency as a backfill throttle signal ({@code request-latency}): the mean time
 * of the {@code http.server.requests} timers of the {@link MeterRegistry} (actuator requests excluded) over the
 * last window; at {@code maxLatency} or more, the backfill slows ({@link Throttle.Response#SLOW}). The mean is
 * computed once per window however many backfills check it.
 */
public class RequestLatencySignal implements ThrottleSignal {

	static final String NAME = "request-latency";

	private static final String TIMER = "http.server.requests";

	private final MeterRegistry registry;

	private final Duration maxLatency;

	private final Duration window;

	private final LongSupplier nanoTime;

	private long windowStart;

	private double count;

	private double totalNanos;

	private Optional<Throttle> current = Optional.empty();

	public RequestLatencySignal(MeterRegistry registry, Duration maxLatency, Duration window) {
		this(registry, maxLatency, window, System::nanoTime);
	}

	RequestLatencySignal(MeterRegistry registry, Duration maxLatency, Duration window, LongSupplier nanoTime) {
		this.registry = registry;
		this.maxLatency = maxLatency;
		this.window = window;
		this.nanoTime = nanoTime;
		this.windowStart = nanoTime.getAsLong();
		double[] totals = totals();
		this.count = totals[0];
		this.totalNanos = totals[1];
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public synchronized Optional<Throttle> check(Context context) {
		long now = this.nanoTime.getAsLong();
		if (now - this.windowStart < this.window.toNanos()) {
			return this.current;
		}
		double[] totals = totals();
		double requests = totals[0] - this.count;
		double nanos = totals[1] - this.totalNanos;
		this.windowStart = now;
		this.count = totals[0];
		this.totalNanos = totals[1];
		if (requests <= 0) {
			this.current = Optional.empty();
			return this.current;
		}
		double meanMillis = nanos / requests / 1_000_000;
		this.current = (meanMillis >= this.maxLatency.toMillis()) ? Optional.of(new Throttle(NAME, Throttle.Response.SLOW,
				String.format(Locale.ROOT, "the application's requests took %.0f ms on average over the last %d s (%d "
						+ "requests), at most %d ms allowed (zdm.backfill.throttle.max-request-latency)", meanMillis,
						this.window.toSeconds(), (long) requests, this.maxLatency.toMillis())))
				: Optional.empty();
		return this.current;
	}

	/** The count and total time (ns) of every application request timer. */
	private double[] totals() {
		double count = 0;
		double nanos = 0;
		for (Timer timer : this.registry.find(TIMER).timers()) {
			String uri = timer.getId().getTag("uri");
			if (uri != null && uri.startsWith("/actuator")) {
				continue;
			}
			count += timer.count();
			nanos += timer.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS);
		}
		return new double[] { count, nanos };
	}

}

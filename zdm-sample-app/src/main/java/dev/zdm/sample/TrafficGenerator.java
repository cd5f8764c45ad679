package dev.zdm.sample;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.NestedRuntimeException;

/**
 * Sessions that keep reading and writing users, products, customers and orders through the application's
 * repositories (so through the code version that runs), at a steady rate, counting every request, every
 * failure (with the last error) and their latency. A request fails when it throws or when a row it updates
 * is not found. Off until {@link #start} ({@code POST /traffic/start} or {@code sample.traffic.enabled}).
 * Metrics: {@code sample.traffic.requests} (a timer with p50 and p99) and {@code sample.traffic.failures}.
 */
class TrafficGenerator implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(TrafficGenerator.class);

	private final Users users;

	private final Products products;

	private final Customers customers;

	private final Orders orders;

	private final SampleProperties properties;

	private final Timer timer;

	private final Counter failureCounter;

	private final AtomicLong requests = new AtomicLong();

	private final AtomicLong failures = new AtomicLong();

	private final AtomicLong maxNanos = new AtomicLong();

	private final AtomicReference<LastError> lastError = new AtomicReference<>();

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean running;

	private volatile Instant since;

	private volatile int rate;

	/** Ids of rows that exist when the traffic starts (seeded, or written before): requests pick among them. */
	private volatile long userIds;

	private volatile long productIds;

	private volatile long customerIds;

	private volatile long orderIds;

	TrafficGenerator(Users users, Products products, Customers customers, Orders orders, SampleProperties properties,
			MeterRegistry registry) {
		this.users = users;
		this.products = products;
		this.customers = customers;
		this.orders = orders;
		this.properties = properties;
		// Percentiles over the whole run (a day), not the default two minutes.
		this.timer = Timer.builder("sample.traffic.requests")
			.description("Requests of the sample's traffic generator")
			.publishPercentiles(0.5, 0.99)
			.distributionStatisticExpiry(Duration.ofDays(1))
			.distributionStatisticBufferLength(1)
			.register(registry);
		this.failureCounter = Counter.builder("sample.traffic.failures")
			.description("Failed requests of the sample's traffic generator")
			.register(registry);
	}

	/** What happened last that failed. */
	record LastError(Instant at, String operation, String message) {
	}

	/** Latencies in milliseconds since the traffic first started. */
	record Latency(double p50, double p99, double max) {
	}

	/** The traffic so far; counts are over every run since the application started. */
	record Report(boolean running, String codeVersion, int threads, int ratePerSecond, Instant since, long requests,
			long failedRequests, LastError lastError, Latency latencyMillis) {
	}

	/**
	 * Starts the sessions, unless they run.
	 * @param threads how many (0: {@code sample.traffic.threads})
	 * @param rate requests per second across them (negative: {@code sample.traffic.rate}; 0: unpaced)
	 */
	synchronized Report start(int threads, int rate) {
		if (!this.running) {
			int sessions = (threads > 0) ? threads : this.properties.traffic().threads();
			this.rate = (rate >= 0) ? rate : this.properties.traffic().rate();
			this.userIds = this.users.maxId();
			this.productIds = this.products.maxId();
			this.customerIds = this.customers.maxId();
			this.orderIds = this.orders.maxId();
			this.running = true;
			if (this.since == null) {
				this.since = Instant.now();
			}
			for (int i = 0; i < sessions; i++) {
				long intervalNanos = (this.rate > 0) ? TimeUnit.SECONDS.toNanos(sessions) / this.rate : 0;
				Thread thread = new Thread(() -> run(intervalNanos), "sample-traffic-" + i);
				thread.setDaemon(true);
				thread.start();
				this.threads.add(thread);
			}
			logger.info("zdm sample: traffic started, {} sessions, {} requests/s", sessions,
					(this.rate > 0) ? this.rate : "unpaced");
		}
		return report();
	}

	/** Stops the sessions, waiting for their requests to end. */
	synchronized Report stop() {
		if (this.running) {
			this.running = false;
			for (Thread thread : this.threads) {
				try {
					thread.join(TimeUnit.SECONDS.toMillis(30));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			this.threads.clear();
			logger.info("zdm sample: traffic stopped after {} requests, {} failed", this.requests.get(),
					this.failures.get());
		}
		return report();
	}

	Report report() {
		HistogramSnapshot snapshot = this.timer.takeSnapshot();
		double p50 = 0;
		double p99 = 0;
		for (ValueAtPercentile value : snapshot.percentileValues()) {
			if (value.percentile() == 0.5) {
				p50 = value.value(TimeUnit.MILLISECONDS);
			}
			else if (value.percentile() == 0.99) {
				p99 = value.value(TimeUnit.MILLISECONDS);
			}
		}
		return new Report(this.running, this.properties.codeVersion().name().toLowerCase(), this.threads.size(),
				this.rate, this.since, this.requests.get(), this.failures.get(), this.lastError.get(),
				new Latency(round(p50), round(p99), round(this.maxNanos.get() / 1e6)));
	}

	private static double round(double millis) {
		return Math.round(millis * 100) / 100.0;
	}

	private void run(long intervalNanos) {
		long next = System.nanoTime();
		while (this.running) {
			request();
			if (intervalNanos > 0) {
				next += intervalNanos;
				long wait = next - System.nanoTime();
				if (wait > 0) {
					LockSupport.parkNanos(wait);
				}
				else if (wait < -TimeUnit.SECONDS.toNanos(1)) {
					// Fell behind (a slow database): do not make up for it with a burst.
					next = System.nanoTime();
				}
			}
		}
	}

	private void request() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		int dice = random.nextInt(100);
		String operation = operation(dice);
		long started = System.nanoTime();
		try {
			perform(dice, random);
		}
		catch (RuntimeException ex) {
			if (!this.running) {
				// Stopping with the application: the pool may be closing under the last request.
				return;
			}
			this.failures.incrementAndGet();
			this.failureCounter.increment();
			// PostgreSQL's own reason (column "email" does not exist), not only Spring's wrapper.
			String message = (ex instanceof NestedRuntimeException nested) ? nested.getMostSpecificCause().getMessage()
					: ex.getMessage();
			this.lastError.set(new LastError(Instant.now(), operation, String.valueOf(message)));
		}
		finally {
			long nanos = System.nanoTime() - started;
			this.requests.incrementAndGet();
			this.timer.record(nanos, TimeUnit.NANOSECONDS);
			this.maxNanos.accumulateAndGet(nanos, Math::max);
		}
	}

	private static String operation(int dice) {
		if (dice < 30) {
			return "read user";
		}
		if (dice < 45) {
			return "change a user's email";
		}
		if (dice < 50) {
			return "create a user";
		}
		if (dice < 65) {
			return "read product";
		}
		if (dice < 75) {
			return "change a product's price";
		}
		if (dice < 85) {
			return "read customer";
		}
		if (dice < 95) {
			return "create an order";
		}
		return "read order";
	}

	private void perform(int dice, ThreadLocalRandom random) {
		if (dice < 30) {
			found(this.users.find(pick(this.userIds, random)).isPresent(), "user");
		}
		else if (dice < 45) {
			long id = pick(this.userIds, random);
			found(this.users.changeEmail(id, "user" + id + "." + random.nextInt(1000) + "@example.com"), "user " + id);
		}
		else if (dice < 50) {
			long n = random.nextLong(1_000_000_000L);
			this.users.create("new" + n + "@example.com", "New user " + n);
		}
		else if (dice < 65) {
			found(this.products.find(pick(this.productIds, random)).isPresent(), "product");
		}
		else if (dice < 75) {
			long id = pick(this.productIds, random);
			found(this.products.changePrice(id, BigDecimal.valueOf(random.nextInt(100_000), 2)), "product " + id);
		}
		else if (dice < 85) {
			found(this.customers.find(pick(this.customerIds, random)).isPresent(), "customer");
		}
		else if (dice < 95) {
			this.orders.create(pick(this.customerIds, random), BigDecimal.valueOf(random.nextInt(100_000), 2));
		}
		else {
			found(this.orders.find(pick(this.orderIds, random)).isPresent(), "order");
		}
	}

	private static long pick(long max, ThreadLocalRandom random) {
		if (max < 1) {
			throw new IllegalStateException("no rows to pick from: seed the database (sample.seed.*)");
		}
		return 1 + random.nextLong(max);
	}

	private static void found(boolean found, String what) {
		if (!found) {
			throw new IllegalStateException(what + " not found");
		}
	}

	@Override
	public void destroy() {
		stop();
	}

}

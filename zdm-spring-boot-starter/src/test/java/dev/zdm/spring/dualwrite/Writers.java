package dev.zdm.spring.dualwrite;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.LoggerFactory;

/**
 * Threads writing through an application's repository: each updates the existing rows congruent to its
 * number and inserts new ones, remembering the last value it wrote to each row.
 */
final class Writers implements AutoCloseable {

	/** One write: updates row {@code id} (or inserts when {@code id} is {@code null}) and returns its id. */
	@FunctionalInterface
	interface Write {

		long write(Long id, String value);

	}

	final AtomicBoolean running = new AtomicBoolean(true);

	final AtomicLong writes = new AtomicLong();

	final Map<Long, String> latest = new ConcurrentHashMap<>();

	final List<Throwable> failures = new CopyOnWriteArrayList<>();

	private final List<Thread> threads = new ArrayList<>();

	Writers start(int count, int existing, Write write) {
		for (int w = 0; w < count; w++) {
			int writer = w;
			Thread thread = new Thread(() -> run(writer, count, existing, write), "dual-writer-" + w);
			thread.start();
			this.threads.add(thread);
		}
		return this;
	}

	private void run(int writer, int count, int existing, Write write) {
		long n = 0;
		try {
			while (this.running.get()) {
				n++;
				String value = "W" + writer + "x" + n + ((n % 7 == 0) ? "" : " Name " + n);
				Long id = null;
				if (ThreadLocalRandom.current().nextInt(10) != 0) {
					long pick = ThreadLocalRandom.current().nextLong(1, existing + 1);
					id = pick - (pick % count) + writer;
					if (id < 1 || id > existing) {
						continue;
					}
				}
				long written = write.write(id, value);
				this.latest.put(written, value);
				this.writes.incrementAndGet();
			}
		}
		catch (RuntimeException ex) {
			LoggerFactory.getLogger(Writers.class).error("Writer {} failed", writer, ex);
			this.failures.add(ex);
		}
	}

	void stop() throws InterruptedException {
		this.running.set(false);
		for (Thread thread : this.threads) {
			thread.join();
		}
	}

	@Override
	public void close() throws InterruptedException {
		stop();
	}

}

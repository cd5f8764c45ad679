package dev.zdm.core.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

/**
 * Sessions that insert and update rows while a migration runs, each through its own connection, writing
 * the old column until {@link #useNewColumn()} and the new one after. Each session owns the ids congruent
 * to its number, so the last value written to every id is known exactly.
 */
final class ConcurrentWriters implements AutoCloseable {

	/** How a session writes a value. */
	interface Shape {

		/** {@code INSERT} of (id, value) through the old ({@code false}) or new ({@code true}) column. */
		String insert(boolean newColumn);

		/** {@code UPDATE} setting value of id through the old or new column. */
		String update(boolean newColumn);

		/** The value written for sequence number {@code n}, bound as parameter 2 (insert) or 1 (update). */
		Object value(long n, boolean newColumn);

		/** The logical value for the final column, for comparing after contract. */
		Object expected(Object written, boolean newColumn);

	}

	private final DataSource dataSource;

	private final Shape shape;

	private final int sessions;

	private final long existingRows;

	private final AtomicBoolean running = new AtomicBoolean(true);

	private volatile boolean newColumn;

	private final List<Thread> threads = new ArrayList<>();

	private final List<Throwable> failures = new CopyOnWriteArrayList<>();

	private final Map<Long, Object> expected = new ConcurrentHashMap<>();

	private final AtomicLong writes = new AtomicLong();

	private final AtomicLong writesThroughNew = new AtomicLong();

	ConcurrentWriters(DataSource dataSource, Shape shape, int sessions, long existingRows) {
		this.dataSource = dataSource;
		this.shape = shape;
		this.sessions = sessions;
		this.existingRows = existingRows;
	}

	ConcurrentWriters start() {
		for (int s = 0; s < this.sessions; s++) {
			int session = s;
			Thread thread = new Thread(() -> write(session), "writer-" + s);
			thread.start();
			this.threads.add(thread);
		}
		return this;
	}

	void useNewColumn() {
		this.newColumn = true;
	}

	long writes() {
		return this.writes.get();
	}

	long writesThroughNew() {
		return this.writesThroughNew.get();
	}

	List<Throwable> failures() {
		return this.failures;
	}

	/** The last logical value written to each id. */
	Map<Long, Object> expected() {
		return this.expected;
	}

	private void write(int session) {
		long nextId = this.existingRows + 1_000_000L * (session + 1);
		long n = 0;
		try (Connection connection = this.dataSource.getConnection()) {
			while (this.running.get()) {
				boolean useNew = this.newColumn;
				boolean insert = ThreadLocalRandom.current().nextInt(4) == 0;
				long id;
				Object value = this.shape.value(++n * this.sessions + session, useNew);
				if (insert) {
					id = ++nextId;
					try (PreparedStatement statement = connection.prepareStatement(this.shape.insert(useNew))) {
						statement.setLong(1, id);
						statement.setObject(2, value);
						statement.executeUpdate();
					}
				}
				else {
					long slot = ThreadLocalRandom.current().nextLong(this.existingRows / this.sessions);
					id = slot * this.sessions + session + 1;
					try (PreparedStatement statement = connection.prepareStatement(this.shape.update(useNew))) {
						statement.setObject(1, value);
						statement.setLong(2, id);
						statement.executeUpdate();
					}
				}
				this.expected.put(id, this.shape.expected(value, useNew));
				this.writes.incrementAndGet();
				if (useNew) {
					this.writesThroughNew.incrementAndGet();
				}
			}
		}
		catch (SQLException | RuntimeException ex) {
			this.failures.add(ex);
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.running.set(false);
		for (Thread thread : this.threads) {
			thread.join();
		}
	}

}

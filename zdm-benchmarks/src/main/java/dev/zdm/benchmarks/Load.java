package dev.zdm.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;

import javax.sql.DataSource;

/**
 * A pgbench-style load: {@code clients} Java threads, each on a connection of its own, run transactions of
 * the application's {@link Code} (a single-row write and a single-row read by random id) back to back, in
 * one transaction (committed, or rolled back when a statement fails) or each statement on its own, and record when each ended, how long it took and
 * whether it failed.
 * <p>
 * The code can be changed while the load runs ({@link #deploy}), as a deploy replaces the application:
 * each client takes the new code at its next transaction. Every successful write is counted per row, so
 * that a scenario can tell afterwards whether a write was lost.
 */
final class Load {

	/**
	 * One pgbench-style transaction: the single-row {@code update} of {@code writeId}, then the single-row
	 * {@code select} of {@code readId}; the rows the update wrote.
	 */
	static int updateThenRead(Connection connection, String update, String select, long writeId, long readId)
			throws SQLException {
		int written;
		try (PreparedStatement statement = connection.prepareStatement(update)) {
			statement.setLong(1, writeId);
			written = statement.executeUpdate();
		}
		try (PreparedStatement statement = connection.prepareStatement(select)) {
			statement.setLong(1, readId);
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
			}
		}
		return written;
	}

	/** The SQL of one version of the application. */
	interface Code {

		/**
		 * Runs the statements of one transaction, which the load commits: writes row {@code writeId} and reads
		 * row {@code readId}.
		 * @return how many rows were written (each write adds one cent to the row's balance)
		 */
		int run(Connection connection, long writeId, long readId) throws SQLException;

	}

	/** The {@code application_name} of the load's sessions, which {@link LockWaitSampler} looks for. */
	static final String APPLICATION_NAME = "zdm-benchmark-load";

	private final DataSource dataSource;

	private final int clients;

	private final int rows;

	private final boolean transactional;

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final List<Client> threads = new ArrayList<>();

	private final AtomicIntegerArray written;

	private volatile Code code;

	private volatile String firstError;

	/** Why a client stopped before {@link #stop}, if one did. */
	private volatile SQLException clientFailure;

	/**
	 * @param rows the ids run from 1 to {@code rows}
	 * @param transactional whether a transaction's statements run in one transaction (else each commits on
	 * its own)
	 */
	Load(DataSource dataSource, int clients, int rows, boolean transactional, Code code) {
		this.dataSource = dataSource;
		this.clients = clients;
		this.rows = rows;
		this.transactional = transactional;
		this.code = code;
		this.written = new AtomicIntegerArray(rows + 1);
	}

	Load start() {
		for (int i = 0; i < this.clients; i++) {
			Client client = new Client("load-" + i);
			client.setDaemon(true);
			this.threads.add(client);
			client.start();
		}
		return this;
	}

	/** Every client runs {@code code} from its next transaction on; returns when all of them do. */
	void deploy(Code code) throws InterruptedException {
		this.code = code;
		for (Client client : this.threads) {
			while (client.isAlive() && client.current != code) {
				Thread.sleep(1);
			}
		}
	}

	/**
	 * Stops the clients and waits for them.
	 * @throws IllegalStateException if a client lost its connection (its figures would be missing)
	 */
	void stop() throws InterruptedException {
		this.running.set(false);
		for (Thread thread : this.threads) {
			thread.join();
		}
		if (this.clientFailure != null) {
			throw new IllegalStateException("A load client stopped: " + this.clientFailure.getMessage(),
					this.clientFailure);
		}
	}

	/** How many writes to row {@code id} succeeded. */
	int writes(long id) {
		return this.written.get((int) id);
	}

	/** The SQLSTATE and message of the first failed transaction, or {@code null}. */
	String firstError() {
		return this.firstError;
	}

	/** What the load did, every transaction ordered by its end; call after {@link #stop}. */
	Transactions transactions() {
		int size = this.threads.stream().mapToInt((client) -> client.size).sum();
		long[] ends = new long[size];
		long[] latencies = new long[size];
		int at = 0;
		for (Client client : this.threads) {
			System.arraycopy(client.ends, 0, ends, at, client.size);
			System.arraycopy(client.latencies, 0, latencies, at, client.size);
			at += client.size;
		}
		Integer[] order = new Integer[size];
		for (int i = 0; i < size; i++) {
			order[i] = i;
		}
		Arrays.sort(order, (a, b) -> Long.compare(ends[a], ends[b]));
		long[] sortedEnds = new long[size];
		long[] sortedLatencies = new long[size];
		for (int i = 0; i < size; i++) {
			sortedEnds[i] = ends[order[i]];
			sortedLatencies[i] = latencies[order[i]];
		}
		return new Transactions(sortedEnds, sortedLatencies);
	}

	private final class Client extends Thread {

		private volatile Code current;

		/** End of each transaction, {@link System#nanoTime()}. */
		private long[] ends = new long[1 << 16];

		/** Latency of each transaction in nanoseconds, negative if it failed. */
		private long[] latencies = new long[1 << 16];

		private int size;

		Client(String name) {
			super(name);
		}

		@Override
		public void run() {
			try (Connection connection = Load.this.dataSource.getConnection()) {
				connection.setClientInfo("ApplicationName", APPLICATION_NAME);
				connection.setAutoCommit(!Load.this.transactional);
				while (Load.this.running.get()) {
					Code code = Load.this.code;
					this.current = code;
					long writeId = 1 + ThreadLocalRandom.current().nextInt(Load.this.rows);
					long readId = 1 + ThreadLocalRandom.current().nextInt(Load.this.rows);
					long started = System.nanoTime();
					boolean failed = false;
					try {
						int written = code.run(connection, writeId, readId);
						if (Load.this.transactional) {
							connection.commit();
						}
						if (written > 0) {
							Load.this.written.addAndGet((int) writeId, written);
						}
					}
					catch (SQLException ex) {
						failed = true;
						if (Load.this.firstError == null) {
							Load.this.firstError = "[" + ex.getSQLState() + "] " + ex.getMessage();
						}
						try {
							if (Load.this.transactional) {
								connection.rollback();
							}
						}
						catch (SQLException rollbackFailed) {
							ex.addSuppressed(rollbackFailed);
						}
					}
					long ended = System.nanoTime();
					record(ended, failed ? -(ended - started) - 1 : ended - started);
				}
			}
			catch (SQLException ex) {
				Load.this.clientFailure = ex;
			}
		}

		private void record(long end, long latency) {
			if (this.size == this.ends.length) {
				this.ends = Arrays.copyOf(this.ends, this.size * 2);
				this.latencies = Arrays.copyOf(this.latencies, this.size * 2);
			}
			this.ends[this.size] = end;
			this.latencies[this.size] = latency;
			this.size++;
		}

	}

	/**
	 * The load's transactions, ordered by their end ({@link System#nanoTime()}); a failed transaction's
	 * latency is stored negative (minus one, so that a failure is never zero).
	 */
	record Transactions(long[] ends, long[] latencies) {

		private static final long SECOND = 1_000_000_000L;

		/** Successful transactions in each whole second from {@code from}, up to {@code to}. */
		long[] perSecond(long from, long to) {
			return perInterval(from, to, SECOND);
		}

		/** The successful transactions in each whole {@code interval} (ns) between {@code from} and {@code to}. */
		long[] perInterval(long from, long to, long interval) {
			int intervals = (int) Math.max(1, (to - from) / interval);
			long[] counts = new long[intervals];
			for (int i = 0; i < this.ends.length; i++) {
				long end = this.ends[i];
				if (end >= from && end < from + intervals * interval && this.latencies[i] >= 0) {
					counts[(int) ((end - from) / interval)]++;
				}
			}
			return counts;
		}

		/** The median of the successful transactions per second between {@code from} and {@code to}. */
		double medianSecond(long from, long to) {
			long[] counts = perSecond(from, to);
			Arrays.sort(counts);
			return counts[counts.length / 2];
		}

		/** The fewest successful transactions in one second between {@code from} and {@code to}. */
		double worstSecond(long from, long to) {
			return Arrays.stream(perSecond(from, to)).min().orElse(0);
		}

		/** The latencies in milliseconds, sorted, of every transaction (failed ones too) that ended in the window. */
		double[] latencies(long from, long to) {
			double[] found = new double[this.ends.length];
			int size = 0;
			for (int i = 0; i < this.ends.length; i++) {
				if (this.ends[i] >= from && this.ends[i] <= to) {
					found[size++] = latencyMs(i);
				}
			}
			double[] sorted = Arrays.copyOf(found, size);
			Arrays.sort(sorted);
			return sorted;
		}

		/** How many transactions that ended in the window failed. */
		long failed(long from, long to) {
			long failed = 0;
			for (int i = 0; i < this.ends.length; i++) {
				if (this.ends[i] >= from && this.ends[i] <= to && this.latencies[i] < 0) {
					failed++;
				}
			}
			return failed;
		}

		/** How many transactions failed in all. */
		long failed() {
			return Arrays.stream(this.latencies).filter((latency) -> latency < 0).count();
		}

		double latencyMs(int i) {
			long latency = this.latencies[i];
			return ((latency < 0) ? -(latency + 1) : latency) / 1e6;
		}

		boolean failed(int i) {
			return this.latencies[i] < 0;
		}

		static double percentile(double[] sorted, double p) {
			if (sorted.length == 0) {
				return 0;
			}
			return sorted[(int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
		}

	}

}

package dev.zdm.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

/**
 * Samples {@code pg_stat_activity} every {@code interval} milliseconds for the {@link Load}'s sessions
 * waiting on a lock ({@code wait_event_type = 'Lock'}) and records how long each had been waiting: the
 * load's statements are single-row statements that take well under a millisecond, so the time since
 * {@code query_start} of a session waiting on a lock is its lock wait. The longest wait seen is at most one
 * interval short of the true one.
 */
final class LockWaitSampler extends Thread {

	private static final String SAMPLE = "SELECT coalesce(max(extract(epoch FROM clock_timestamp() - query_start) * 1000), 0) "
			+ "FROM pg_stat_activity WHERE application_name = ? AND wait_event_type = 'Lock' AND state = 'active'";

	private final DataSource dataSource;

	private final long intervalMs;

	private final AtomicBoolean running = new AtomicBoolean(true);

	/** (sample time, {@link System#nanoTime()}; longest wait in milliseconds then). */
	private final List<double[]> samples = new ArrayList<>();

	private volatile SQLException failure;

	LockWaitSampler(DataSource dataSource, long intervalMs) {
		super("lock-wait-sampler");
		setDaemon(true);
		this.dataSource = dataSource;
		this.intervalMs = intervalMs;
	}

	@Override
	public void run() {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement statement = connection.prepareStatement(SAMPLE)) {
			connection.setClientInfo("ApplicationName", "zdm-benchmark-sampler");
			statement.setString(1, Load.APPLICATION_NAME);
			while (this.running.get()) {
				long at = System.nanoTime();
				try (ResultSet rs = statement.executeQuery()) {
					rs.next();
					double waitMs = rs.getDouble(1);
					if (waitMs > 0) {
						synchronized (this.samples) {
							this.samples.add(new double[] { at, waitMs });
						}
					}
				}
				Thread.sleep(this.intervalMs);
			}
		}
		catch (SQLException ex) {
			this.failure = ex;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	void finish() throws InterruptedException, SQLException {
		this.running.set(false);
		join();
		if (this.failure != null) {
			throw this.failure;
		}
	}

	/** The longest lock wait of a load session seen between {@code from} and {@code to}, in milliseconds. */
	double longestMs(long from, long to) {
		synchronized (this.samples) {
			return this.samples.stream()
				.filter((sample) -> sample[0] >= from && sample[0] <= to)
				.mapToDouble((sample) -> sample[1])
				.max()
				.orElse(0);
		}
	}

}

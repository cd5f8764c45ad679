package dev.zdm.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.LoggerFactory;

/**
 * An embedded PostgreSQL whose data lives in a directory under the user's temp directory, removed when it
 * stops.
 */
final class EmbeddedDatabase implements AutoCloseable {

	private final EmbeddedPostgres postgres;

	private EmbeddedDatabase(EmbeddedPostgres postgres) {
		this.postgres = postgres;
	}

	/** Starts PostgreSQL on {@code port} if it is free, on a random port otherwise. */
	static EmbeddedDatabase start(int port) {
		// Before Spring configures logging: keep the embedded PostgreSQL's log to its warnings.
		if (LoggerFactory.getLogger("io.zonky") instanceof ch.qos.logback.classic.Logger logger) {
			logger.setLevel(ch.qos.logback.classic.Level.WARN);
		}
		try {
			Path data = Files.createTempDirectory("zdm-sample-postgres-");
			EmbeddedPostgres postgres = EmbeddedPostgres.builder()
				.setDataDirectory(data)
				.setCleanDataDirectory(true)
				.setRegisterShutdownHook(false)
				.setPort(free(port) ? port : 0)
				.start();
			return new EmbeddedDatabase(postgres);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start an embedded PostgreSQL: " + ex.getMessage()
					+ ". Give --spring.datasource.url (and username, password) of a PostgreSQL 14+ instead.", ex);
		}
	}

	private static boolean free(int port) {
		if (port <= 0) {
			return false;
		}
		try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	String jdbcUrl() {
		return "jdbc:postgresql://localhost:" + this.postgres.getPort() + "/postgres";
	}

	@Override
	public void close() {
		try {
			this.postgres.close();
		}
		catch (IOException ex) {
			// The process is ending: nothing more to do.
		}
	}

}

package dev.zdm.testing;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The PostgreSQL server the tests of this JVM run against, chosen once: {@code ZDM_TEST_JDBC_URL} (with
 * {@code ZDM_TEST_JDBC_USER} and {@code ZDM_TEST_JDBC_PASSWORD}) when set, else a Testcontainers container
 * when a Docker daemon answers, else an embedded PostgreSQL.
 */
public final class PostgresServer {

	private static final Logger logger = LoggerFactory.getLogger(PostgresServer.class);

	private static PostgresServer instance;

	private final String adminUrl;

	private final String user;

	private final String password;

	private final String description;

	private PostgresServer(String adminUrl, String user, String password, String description) {
		this.adminUrl = adminUrl;
		this.user = user;
		this.password = password;
		this.description = description;
	}

	/** The server for this JVM, started on first use. */
	public static synchronized PostgresServer get() {
		if (instance == null) {
			instance = start();
			logger.info("Tests run against {}", instance.description);
		}
		return instance;
	}

	private static PostgresServer start() {
		String url = System.getenv("ZDM_TEST_JDBC_URL");
		if (url != null && !url.isBlank()) {
			String user = envOr("ZDM_TEST_JDBC_USER", "postgres");
			String password = envOr("ZDM_TEST_JDBC_PASSWORD", "");
			return new PostgresServer(url, user, password, "ZDM_TEST_JDBC_URL " + url);
		}
		if (dockerAvailable()) {
			PostgreSQLContainer container = new PostgreSQLContainer("postgres:18-alpine");
			container.start();
			Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
			return new PostgresServer(container.getJdbcUrl(), container.getUsername(), container.getPassword(),
					"Testcontainers " + container.getDockerImageName());
		}
		try {
			EmbeddedPostgres embedded = EmbeddedPostgres.builder().start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				try {
					embedded.close();
				}
				catch (IOException ex) {
					logger.warn("Could not stop the embedded PostgreSQL", ex);
				}
			}));
			return new PostgresServer(embedded.getJdbcUrl("postgres", "postgres"), "postgres", "",
					"embedded PostgreSQL on port " + embedded.getPort());
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not start an embedded PostgreSQL", ex);
		}
	}

	private static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (Throwable ex) {
			return false;
		}
	}

	private static String envOr(String name, String fallback) {
		String value = System.getenv(name);
		return (value != null) ? value : fallback;
	}

	/** A connection to the server's administrative database. */
	public Connection adminConnection() throws SQLException {
		return DriverManager.getConnection(this.adminUrl, credentials());
	}

	/** The JDBC URL of another database on the same server. */
	public String urlFor(String database) {
		int query = this.adminUrl.indexOf('?');
		String base = (query >= 0) ? this.adminUrl.substring(0, query) : this.adminUrl;
		String params = (query >= 0) ? this.adminUrl.substring(query) : "";
		int slash = base.lastIndexOf('/');
		return base.substring(0, slash + 1) + database + params;
	}

	Properties credentials() {
		Properties properties = new Properties();
		properties.setProperty("user", this.user);
		if (!this.password.isEmpty()) {
			properties.setProperty("password", this.password);
		}
		return properties;
	}

	String user() {
		return this.user;
	}

	String password() {
		return this.password;
	}

}

package dev.zdm.sample;

import java.io.IOException;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small web app whose schema zdm migrates while it serves requests. Without
 * {@code spring.datasource.url} it starts an embedded PostgreSQL of its own.
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) throws IOException {
		if (!datasourceConfigured(args)) {
			EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				try {
					postgres.close();
				}
				catch (IOException ex) {
					// The process is ending anyway.
				}
			}));
			System.setProperty("spring.datasource.url", postgres.getJdbcUrl("postgres", "postgres"));
			System.setProperty("spring.datasource.username", "postgres");
			System.out.println("zdm sample: no spring.datasource.url given, using an embedded PostgreSQL on port "
					+ postgres.getPort());
		}
		SpringApplication.run(SampleApplication.class, args);
	}

	private static boolean datasourceConfigured(String[] args) {
		if (System.getProperty("spring.datasource.url") != null || System.getenv("SPRING_DATASOURCE_URL") != null) {
			return true;
		}
		for (String arg : args) {
			if (arg.startsWith("--spring.datasource.url=")) {
				return true;
			}
		}
		return false;
	}

}

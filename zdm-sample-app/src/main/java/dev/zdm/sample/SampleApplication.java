package dev.zdm.sample;

import java.io.IOException;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A small web app whose schema zdm migrates while it serves requests. Without {@code spring.datasource.url}
 * it starts an embedded PostgreSQL of its own (data under the temp directory, removed on exit). With
 * {@code --sample.database-only} it starts only that database and waits, so that several instances of the
 * app (old and new code) can share it during a rolling deploy.
 */
@SpringBootApplication
@EnableConfigurationProperties(SampleProperties.class)
public class SampleApplication {

	public static void main(String[] args) throws IOException, InterruptedException {
		CommandLine commandLine = new CommandLine(args);
		if (commandLine.flag("sample.database-only")) {
			EmbeddedDatabase database = EmbeddedDatabase.start(commandLine.port());
			Runtime.getRuntime().addShutdownHook(new Thread(database::close, "embedded-postgres-stop"));
			System.out.println("zdm sample: embedded PostgreSQL ready; start the app with --spring.datasource.url="
					+ database.jdbcUrl() + " --spring.datasource.username=postgres  (Ctrl-C removes the database)");
			Thread.currentThread().join();
			return;
		}
		EmbeddedDatabase database = null;
		if (!commandLine.datasourceConfigured()) {
			database = EmbeddedDatabase.start(commandLine.port());
			System.setProperty("spring.datasource.url", database.jdbcUrl());
			System.setProperty("spring.datasource.username", "postgres");
			System.out.println("zdm sample: no spring.datasource.url given, using an embedded PostgreSQL: "
					+ database.jdbcUrl() + " (user postgres), removed on exit");
		}
		SpringApplication application = new SpringApplication(SampleApplication.class);
		if (database == null) {
			application.run(args);
			return;
		}
		// The database must outlive the application: close the context first, then stop PostgreSQL.
		application.setRegisterShutdownHook(false);
		EmbeddedDatabase owned = database;
		ConfigurableApplicationContext context;
		try {
			context = application.run(args);
		}
		catch (RuntimeException ex) {
			owned.close();
			throw ex;
		}
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			context.close();
			owned.close();
		}, "zdm-sample-stop"));
	}

}

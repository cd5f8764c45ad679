package dev.zdm.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.jdbc.autoconfigure.ApplicationDataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Creates the sample's tables ({@code schema.sql}) and seeds the empty ones ({@code seed.sql}, with the
 * counts of {@code sample.seed.*}). It is the application's database initializer, so zdm registers its
 * plans after it ({@code @DependsOnDatabaseInitialization}).
 */
class DemoData extends ApplicationDataSourceScriptDatabaseInitializer {

	private static final Logger logger = LoggerFactory.getLogger(DemoData.class);

	private final DataSource dataSource;

	private final SampleProperties.Seed seed;

	DemoData(DataSource dataSource, SampleProperties.Seed seed) {
		super(dataSource, settings());
		this.dataSource = dataSource;
		this.seed = seed;
	}

	private static DatabaseInitializationSettings settings() {
		DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
		settings.setSchemaLocations(List.of("classpath:schema.sql"));
		settings.setSeparator("@@");
		settings.setMode(DatabaseInitializationMode.ALWAYS);
		return settings;
	}

	@Override
	public boolean initializeDatabase() {
		boolean created = super.initializeDatabase();
		long started = System.nanoTime();
		for (String statement : statements(this.seed)) {
			JdbcClient.create(this.dataSource).sql(statement).update();
		}
		logger.info("zdm sample: tables seeded where empty ({} users, {} products, {} customers, {} orders, "
				+ "{} documents) in {} ms", this.seed.users(), this.seed.products(), this.seed.customers(),
				this.seed.orders(), this.seed.documents(), (System.nanoTime() - started) / 1_000_000);
		return created;
	}

	/** The statements of {@code seed.sql} with these counts. */
	static List<String> statements(SampleProperties.Seed seed) {
		String script = resource("seed.sql").replace("${users}", String.valueOf(seed.users()))
			.replace("${products}", String.valueOf(seed.products()))
			.replace("${customers}", String.valueOf(seed.customers()))
			.replace("${orders}", String.valueOf(seed.orders()))
			.replace("${documents}", String.valueOf(seed.documents()))
			.replace("${others}", String.valueOf(seed.others()));
		return split(script);
	}

	/** The statements of {@code schema.sql}. */
	static List<String> schema() {
		return split(resource("schema.sql"));
	}

	private static List<String> split(String script) {
		List<String> statements = new ArrayList<>();
		for (String statement : script.split("@@")) {
			if (!statement.isBlank()) {
				statements.add(statement);
			}
		}
		return statements;
	}

	private static String resource(String name) {
		try (InputStream in = DemoData.class.getClassLoader().getResourceAsStream(name)) {
			if (in == null) {
				throw new IllegalStateException(name + " is missing from the classpath");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

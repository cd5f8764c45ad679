package dev.zdm.spring.dualwrite;

import java.util.function.Supplier;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.zdm.spring.autoconfigure.ZdmAutoConfiguration;
import dev.zdm.testing.TestDatabase;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Application contexts of the {@code @DualWrite} tests: zdm, a pooled DataSource, transactions. */
final class DualWriteContexts {

	private DualWriteContexts() {
	}

	static ApplicationContextRunner runner(TestDatabase db, String... autoConfigurations) {
		return runner(db, () -> pool(db), autoConfigurations);
	}

	static ApplicationContextRunner runner(TestDatabase db, Supplier<DataSource> dataSource,
			String... autoConfigurations) {
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ZdmAutoConfiguration.class, DualWriteAutoConfiguration.class))
			.withConfiguration(AutoConfigurations.of(
					classes("org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration",
							"org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
							"org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration",
							"org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration")))
			.withBean(DataSource.class, dataSource)
			.withBean("splitName", SplitName.class)
			.withPropertyValues("zdm.locations=classpath:plans/none", "zdm.backfill.batch-size=100",
					"zdm.backfill.min-batch-size=50", "zdm.backfill.max-batch-size=200");
		return runner.withConfiguration(AutoConfigurations.of(classes(autoConfigurations)));
	}

	private static Class<?>[] classes(String... names) {
		Class<?>[] classes = new Class<?>[names.length];
		for (int i = 0; i < names.length; i++) {
			try {
				classes[i] = Class.forName(names[i]);
			}
			catch (ClassNotFoundException ex) {
				throw new IllegalStateException(ex);
			}
		}
		return classes;
	}

	static HikariDataSource pool(TestDatabase db) {
		HikariDataSource pool = new HikariDataSource();
		pool.setJdbcUrl(db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "prepareThreshold=0");
		pool.setUsername(db.user());
		pool.setPassword(db.password());
		pool.setMaximumPoolSize(20);
		// Expand adds columns: a statement prepared on the server before it whose result is the whole row (the
		// INSERT ... RETURNING * of Spring Data JDBC's generated ids) then fails, in a transaction, with "cached plan
		// must not change result type"; with prepareThreshold=0 on the URL no statement is prepared on the server
		// (see docs/dual-write.md).
		return pool;
	}

	static void reset(TestDatabase db, String... tables) {
		db.execute("DROP SCHEMA IF EXISTS zdm CASCADE",
				"DO $$ DECLARE s text; BEGIN FOR s IN SELECT nspname FROM pg_namespace WHERE nspname LIKE 'zdm\\_%' LOOP "
						+ "EXECUTE 'DROP SCHEMA ' || quote_ident(s) || ' CASCADE'; END LOOP; END $$");
		for (String table : tables) {
			db.execute("DROP TABLE IF EXISTS " + table + " CASCADE");
		}
	}

}

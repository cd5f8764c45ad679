package dev.zdm.spring.dualwrite;

import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import dev.zdm.core.migration.ApplicationSyncException;
import dev.zdm.core.migration.MigrationGateException;
import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.Phase;
import dev.zdm.core.plan.Plan;
import dev.zdm.core.plan.ReplaceColumns.NewColumn;
import dev.zdm.core.sql.Identifier;
import dev.zdm.spring.autoconfigure.ZdmMigrationRunner;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link DualWrite} on a plain bean writing with {@link JdbcClient}: an email column encrypted with AES-GCM
 * under a key of the application's configuration, keys from SpEL, inside and outside a transaction, one sync
 * for 1,000 rows, a bean whose written keys cannot be known refused at start-up, and eight writers racing the
 * backfill to COMPLETED.
 */
@ExtendWith(PostgresExtension.class)
class DualWriteJdbcClientTests {

	private static final int CUSTOMERS = 2_000;

	private static final String KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789ABCDEF".getBytes());

	private final TestDatabase db;

	private final ApplicationContextRunner runner;

	DualWriteJdbcClientTests(TestDatabase db) {
		this.db = db;
		this.runner = DualWriteContexts.runner(db)
			.withPropertyValues("app.pii-key=" + KEY)
			.withUserConfiguration(Encryption.class)
			.withBean(CustomerWriter.class);
	}

	@Configuration(proxyBeanMethods = false)
	static class Encryption {

		@Bean
		EncryptEmail encryptEmail(@Value("${app.pii-key}") String key) {
			return new EncryptEmail(key);
		}

	}

	@BeforeEach
	void createTable() {
		DualWriteContexts.reset(this.db, "customers");
		this.db.execute(EncryptEmail.SCHEMA, "INSERT INTO customers (email) SELECT 'c' || g || '@example.com' "
				+ "FROM generate_series(1, " + CUSTOMERS + ") g");
	}

	private static Orchestrator expanded(AssertableApplicationContext context) {
		Orchestrator zdm = context.getBean(Orchestrator.class);
		zdm.start(EncryptEmail.plan());
		assertThat(zdm.advance(EncryptEmail.MIGRATION).phase()).isEqualTo(Phase.EXPANDED);
		return zdm;
	}

	/** The rows whose encrypted column is not the encryption of their email, computed in Java. */
	private static long mismatches(AssertableApplicationContext context, String where) {
		EncryptEmail encryption = context.getBean(EncryptEmail.class);
		return context.getBean(JdbcTemplate.class)
			.query("SELECT email, email_enc FROM customers" + where, (rs, n) -> !Arrays
				.equals(encryption.encrypt(rs.getString(1)), rs.getBytes(2)))
			.stream()
			.filter((differs) -> differs)
			.count();
	}

	private String decrypted(AssertableApplicationContext context, long id) {
		byte[] sealed = context.getBean(JdbcTemplate.class)
			.queryForObject("SELECT email_enc FROM customers WHERE id = ?", byte[].class, id);
		return context.getBean(EncryptEmail.class).decrypt(sealed);
	}

	@Test
	void writesOutsideATransactionAreSyncedInOneStartedAroundTheCall() {
		this.runner.run((context) -> {
			Orchestrator zdm = expanded(context);
			CustomerWriter customers = context.getBean(CustomerWriter.class);
			assertThat(AopUtils.isAopProxy(customers)).isTrue();
			long syncs = zdm.applicationSync(EncryptEmail.MIGRATION).syncCount();
			long id = customers.insert("ada@example.com");
			customers.changeEmail(5, "grace@example.com");
			assertThat(decrypted(context, id)).isEqualTo("ada@example.com");
			assertThat(decrypted(context, 5)).isEqualTo("grace@example.com");
			assertThat(customers.findEmail(5)).contains("grace@example.com");
			assertThat(zdm.applicationSync(EncryptEmail.MIGRATION).syncCount() - syncs).isEqualTo(2);
			// The ciphertext is AES-GCM, not the email.
			assertThat(new String(context.getBean(JdbcTemplate.class)
				.queryForObject("SELECT email_enc FROM customers WHERE id = 5", byte[].class))).doesNotContain("grace");
		});
	}

	@Test
	void writesInsideATransactionSyncInItAndRollBackWithIt() {
		this.runner.run((context) -> {
			expanded(context);
			CustomerWriter customers = context.getBean(CustomerWriter.class);
			TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			transaction.executeWithoutResult((status) -> {
				customers.changeEmail(7, "alan@example.com");
				assertThat(decrypted(context, 7)).isEqualTo("alan@example.com");
			});
			assertThat(decrypted(context, 7)).isEqualTo("alan@example.com");
			transaction.executeWithoutResult((status) -> {
				customers.changeEmail(8, "edsger@example.com");
				status.setRollbackOnly();
			});
			assertThat(customers.findEmail(8)).contains("c8@example.com");
			assertThat(this.db.queryLong("SELECT count(*) FROM customers WHERE id = 8 AND email_enc IS NULL")).isOne();
		});
	}

	@Test
	void aThousandRowsOfOneCallAreOneSync() {
		this.runner.run((context) -> {
			Orchestrator zdm = expanded(context);
			CustomerWriter customers = context.getBean(CustomerWriter.class);
			long syncs = zdm.applicationSync(EncryptEmail.MIGRATION).syncCount();
			List<Long> ids = LongStream.rangeClosed(1, 1_000).boxed().toList();
			assertThat(customers.moveToDomain(ids, "example.org")).isEqualTo(1_000);
			assertThat(zdm.applicationSync(EncryptEmail.MIGRATION).syncCount() - syncs).isOne();
			assertThat(mismatches(context, " WHERE id <= 1000")).isZero();
			assertThat(decrypted(context, 999)).isEqualTo("user999@example.org");
		});
	}

	@Test
	void aNewShapeWriterIsSyncedBackwardsAndASyncThatFailsFailsItsWrite() {
		this.runner.withBean(SealedCustomerWriter.class).run((context) -> {
			Orchestrator zdm = expanded(context);
			assertThat(zdm.advanceTo(EncryptEmail.MIGRATION, Phase.SWITCHED).phase()).isEqualTo(Phase.SWITCHED);
			SealedCustomerWriter sealed = context.getBean(SealedCustomerWriter.class);
			EncryptEmail encryption = context.getBean(EncryptEmail.class);
			sealed.seal(4, encryption.encrypt("barbara@example.com"));
			assertThat(context.getBean(CustomerWriter.class).findEmail(4)).contains("barbara@example.com");
			// Bytes that do not decrypt under the key: the transform's 'down' fails, and so does the write.
			assertThatThrownBy(() -> sealed.seal(3, new byte[] { 0, 1, 2 }))
				.isInstanceOf(ApplicationSyncException.class)
				.hasMessageContaining("Migration encrypt-email, operation 1 (transform 'encryptEmail' on public.customers)")
				.hasMessageContaining("failed (down) on the row of public.customers with key (id=3)")
				.hasMessageContaining("The write was not committed");
			assertThat(decrypted(context, 3)).isEqualTo("c3@example.com");
			assertThat(zdm.rollback(EncryptEmail.MIGRATION).phase()).isEqualTo(Phase.ROLLED_BACK);
			assertThat(context.getBean(CustomerWriter.class).findEmail(4)).contains("barbara@example.com");
		});
	}

	@Test
	void anAnnotatedMethodTheProxyCannotInterceptIsRefusedAtStartUp() {
		DualWriteContexts.runner(this.db)
			.withPropertyValues("app.pii-key=" + KEY)
			.withUserConfiguration(Encryption.class)
			.withBean("hiddenWriter", HiddenWriter.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("@DualWrite on bean 'hiddenWriter' (" + HiddenWriter.class.getName()
						+ "): method changeEmail(long, String) cannot be synced")
				.hasMessageContaining("Make them public"));
	}

	@Test
	void aBeanWhoseWrittenKeysCannotBeKnownIsRefusedAtStartUp() {
		DualWriteContexts.runner(this.db)
			.withPropertyValues("app.pii-key=" + KEY)
			.withUserConfiguration(Encryption.class)
			.withBean("sloppyWriter", SloppyWriter.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("@DualWrite on bean 'sloppyWriter' (" + SloppyWriter.class.getName()
						+ "): zdm cannot know which rows method lowerAll() writes (it writes with JdbcClient, JdbcTemplate "
						+ "or other code zdm cannot look into)")
				.hasMessageContaining("key = \"#user.id\"")
				.hasMessageNotContaining("countAll"));
	}

	@Test
	void aKeyNamingAParameterTheMethodDoesNotHaveIsRefusedAtStartUp() {
		DualWriteContexts.runner(this.db)
			.withPropertyValues("app.pii-key=" + KEY)
			.withUserConfiguration(Encryption.class)
			.withBean("mistypedWriter", BadKeyWriters.Mistyped.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("@DualWrite on bean 'mistypedWriter' (" + BadKeyWriters.Mistyped.class.getName()
						+ ") method changeEmail(long, String): its key \"#customerId\" names #customerId, which is not a "
						+ "parameter of the method")
				.hasMessageContaining("Fix the key: a SpEL expression over the method's parameters and result (#id, #email)")
				.hasMessageContaining("key = \"#id\""));
	}

	@Test
	void aKeyThatIsNotSpelIsRefusedAtStartUp() {
		DualWriteContexts.runner(this.db)
			.withPropertyValues("app.pii-key=" + KEY)
			.withUserConfiguration(Encryption.class)
			.withBean("unparsableWriter", BadKeyWriters.Unparsable.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("@DualWrite on bean 'unparsableWriter' (" + BadKeyWriters.Unparsable.class.getName()
						+ ") method changeEmail(long, String): its key \"#id +\" is not a valid SpEL expression (")
				.hasMessageContaining("Fix the key")
				.hasMessageContaining("key = \"#id\""));
	}

	@Test
	void aKeyReadingTheResultOfAVoidMethodIsRefusedAtStartUp() {
		DualWriteContexts.runner(this.db)
			.withPropertyValues("app.pii-key=" + KEY)
			.withUserConfiguration(Encryption.class)
			.withBean("voidWriter", BadKeyWriters.VoidResult.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("method changeEmail(long, String): its key \"#result.id\" names #result, the "
						+ "method's result, but the method returns void")
				.hasMessageContaining("(#id, #email)"));
	}

	@Test
	void aCompositePrimaryKeyIsGivenByOneKeyExpressionPerKeyColumn() {
		this.db.execute("DROP TABLE IF EXISTS accounts CASCADE",
				"CREATE TABLE accounts (tenant int, id bigint, full_name text, PRIMARY KEY (tenant, id))",
				"INSERT INTO accounts SELECT t, g, 'First' || g || ' Last ' || t FROM generate_series(1, 3) t, "
						+ "generate_series(1, 50) g");
		DualWriteContexts.runner(this.db)
			.withPropertyValues("app.pii-key=" + KEY)
			.withUserConfiguration(Encryption.class)
			.withBean(AccountWriter.class)
			.run((context) -> {
				Orchestrator zdm = context.getBean(Orchestrator.class);
				zdm.start(Plan.builder(AccountWriter.MIGRATION)
					.replaceColumns("accounts", List.of("full_name"),
							List.of(new NewColumn(Identifier.of("first_name"), "text", false, null),
									new NewColumn(Identifier.of("last_name"), "text", false, null)),
							"splitName")
					.build());
				assertThat(zdm.advance(AccountWriter.MIGRATION).phase()).isEqualTo(Phase.EXPANDED);
				AccountWriter writer = context.getBean(AccountWriter.class);
				writer.rename(2, 5, "Ada Lovelace");
				writer.renameAll(3, List.of(7L, 8L), "Grace Hopper");
				assertThat(this.db.queryStrings("SELECT tenant || ':' || id || '=' || concat_ws('|', full_name, first_name, "
						+ "last_name) FROM accounts WHERE first_name IS NOT NULL ORDER BY tenant, id"))
					.containsExactly("2:5=Ada Lovelace|Ada|Lovelace", "3:7=Grace Hopper|Grace|Hopper",
							"3:8=Grace Hopper|Grace|Hopper");
				// One tenant for two ids gives no key per row: the write fails and rolls back.
				assertThatThrownBy(() -> writer.renameAllWithAKeyOfOneTenant(1, List.of(1L, 2L), "Alan Turing"))
					.hasMessageContaining("its key [#tenant, #ids] gave 1 value for \"#tenant\" but 2 for \"#ids\": each "
							+ "expression of a composite key must give one value per written row");
				assertThat(this.db.queryStrings("SELECT full_name FROM accounts WHERE tenant = 1 AND id IN (1, 2) ORDER BY id"))
					.containsExactly("First1 Last 1", "First2 Last 1");
			});
	}

	@Test
	void eightWritersThroughTheBeanRaceTheBackfillToCompletedWithoutAMismatchOrALostUpdate() {
		this.runner.run((context) -> {
			Orchestrator zdm = context.getBean(Orchestrator.class);
			zdm.start(EncryptEmail.plan());
			CustomerWriter customers = context.getBean(CustomerWriter.class);
			try (Writers writers = new Writers().start(8, CUSTOMERS, (id, value) -> {
				String email = value.replace(' ', '.') + "@example.net";
				if (id == null) {
					return customers.insert(email);
				}
				customers.changeEmail(id, email);
				return id;
			})) {
				assertThat(zdm.advance(EncryptEmail.MIGRATION).phase()).isEqualTo(Phase.EXPANDED);
				assertThat(zdm.advance(EncryptEmail.MIGRATION).phase()).isEqualTo(Phase.BACKFILLED);
				assertThat(zdm.advance(EncryptEmail.MIGRATION).phase()).isEqualTo(Phase.SWITCHED);
				writers.stop();
				assertThat(writers.failures).isEmpty();
				assertThat(writers.writes.get()).isGreaterThan(100);
				assertThat(mismatches(context, "")).isZero();
				Map<Long, String> stored = new HashMap<>();
				for (List<Object> row : this.db.query("SELECT id, email FROM customers")) {
					stored.put(((Number) row.get(0)).longValue(), (String) row.get(1));
				}
				writers.latest.forEach((id, value) -> assertThat(stored.get(id)).isEqualTo(value.replace(' ', '.')
						+ "@example.net"));
			}
			// This instance's code writes the old shape: while it is live the contract gate refuses, naming it.
			assertThatThrownBy(() -> zdm.advance(EncryptEmail.MIGRATION)).isInstanceOf(MigrationGateException.class)
				.hasMessageContaining("cannot contract").hasMessageContaining("is SYNCS_BOTH");
			// The rolling deploy replaces it: it stops (and leaves the instance registry); the contract, asked by
			// the new version, passes.
			context.getBean(ZdmMigrationRunner.class).stop();
			zdm.resumeAfterStop();
			assertThat(zdm.advance(EncryptEmail.MIGRATION).phase()).isEqualTo(Phase.COMPLETED);
		});
	}

}

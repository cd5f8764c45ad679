package dev.zdm.spring.dualwrite;

import java.util.List;
import java.util.stream.IntStream;

import dev.zdm.core.migration.ApplicationSyncException;
import dev.zdm.core.migration.Orchestrator;
import dev.zdm.core.migration.Phase;
import dev.zdm.spring.dualwrite.jpa.PersonEntity;
import dev.zdm.spring.dualwrite.jpa.PersonEntityRepository;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.persistence.autoconfigure.EntityScan;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link DualWrite} on Spring Data JPA repositories: the entity manager is flushed before the sync, which
 * runs on the JPA transaction's connection, inside and outside an existing transaction; one sync for a
 * {@code saveAll} of 1,000; a failed sync rolls the write back.
 */
@ExtendWith(PostgresExtension.class)
class DualWriteJpaRepositoryTests {

	private static final int PEOPLE = 2_000;

	private final TestDatabase db;

	private final ApplicationContextRunner runner;

	DualWriteJpaRepositoryTests(TestDatabase db) {
		this.db = db;
		this.runner = DualWriteContexts
			.runner(db, "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
					"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration")
			.withUserConfiguration(Repositories.class);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableJpaRepositories(basePackageClasses = PersonEntity.class)
	@EntityScan(basePackageClasses = PersonEntity.class)
	static class Repositories {

	}

	@BeforeEach
	void createTable() {
		DualWriteContexts.reset(this.db, "people");
		this.db.execute(SplitName.SCHEMA, "INSERT INTO people (full_name) SELECT 'First' || g || ' Last ' || g "
				+ "FROM generate_series(1, " + PEOPLE + ") g");
	}

	private static Orchestrator expanded(AssertableApplicationContext context) {
		Orchestrator zdm = context.getBean(Orchestrator.class);
		zdm.start(SplitName.plan());
		assertThat(zdm.advance(SplitName.MIGRATION).phase()).isEqualTo(Phase.EXPANDED);
		return zdm;
	}

	private String row(long id) {
		return this.db.queryStrings("SELECT concat_ws('|', full_name, first_name, last_name) FROM people WHERE id = ?", id)
			.get(0);
	}

	@Test
	void usesTheJpaTransactionManager() {
		this.runner.run((context) -> assertThat(context.getBean(PlatformTransactionManager.class))
			.isInstanceOf(JpaTransactionManager.class));
	}

	@Test
	void savesOutsideATransactionAreSyncedInOneStartedAroundTheCall() {
		this.runner.run((context) -> {
			expanded(context);
			PersonEntityRepository people = context.getBean(PersonEntityRepository.class);
			PersonEntity ada = people.save(new PersonEntity(null, "Ada King Lovelace"));
			PersonEntity grace = people.findById(5L).orElseThrow();
			grace.setFullName("Grace Hopper");
			people.save(grace);
			assertThat(row(ada.getId())).isEqualTo("Ada King Lovelace|Ada|King Lovelace");
			assertThat(row(5)).isEqualTo("Grace Hopper|Grace|Hopper");
		});
	}

	@Test
	void savesInsideATransactionAreFlushedAndSyncedInItAndRollBackWithIt() {
		this.runner.run((context) -> {
			expanded(context);
			PersonEntityRepository people = context.getBean(PersonEntityRepository.class);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			String seen = transaction.execute((status) -> {
				// A managed entity changed and saved: its UPDATE is only in the persistence context until flushed.
				PersonEntity alan = people.findById(7L).orElseThrow();
				alan.setFullName("Alan Turing");
				people.save(alan);
				return jdbc.queryForObject("SELECT first_name || '|' || last_name FROM people WHERE id = 7", String.class);
			});
			assertThat(seen).isEqualTo("Alan|Turing");
			assertThat(row(7)).isEqualTo("Alan Turing|Alan|Turing");

			transaction.executeWithoutResult((status) -> {
				PersonEntity edsger = people.findById(8L).orElseThrow();
				edsger.setFullName("Edsger Dijkstra");
				people.save(edsger);
				people.save(new PersonEntity(null, "Barbara Liskov"));
				status.setRollbackOnly();
			});
			assertThat(row(8)).isEqualTo("First8 Last 8");
			assertThat(this.db.queryLong("SELECT count(*) FROM people WHERE full_name = 'Barbara Liskov'")).isZero();
		});
	}

	@Test
	void saveAllOfAThousandEntitiesIsOneSync() {
		this.runner.run((context) -> {
			Orchestrator zdm = expanded(context);
			PersonEntityRepository people = context.getBean(PersonEntityRepository.class);
			long syncs = zdm.applicationSync(SplitName.MIGRATION).syncCount();
			List<PersonEntity> saved = people.saveAll(IntStream.rangeClosed(1, 1_000)
				.mapToObj((i) -> new PersonEntity(null, "New" + i + " Person " + i))
				.toList());
			assertThat(zdm.applicationSync(SplitName.MIGRATION).syncCount() - syncs).isOne();
			assertThat(saved).hasSize(1_000);
			assertThat(this.db.queryLong("SELECT count(*) FROM people WHERE id > " + PEOPLE + " AND first_name = 'New' || "
					+ "(id - " + PEOPLE + ") AND last_name = 'Person ' || (id - " + PEOPLE + ")")).isEqualTo(1_000);
			// Inside a transaction, 1,000 managed entities changed then saved together: still one sync.
			TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			transaction.executeWithoutResult((status) -> {
				List<PersonEntity> first = people.findAllById(IntStream.rangeClosed(1, 1_000).mapToObj(Long::valueOf).toList());
				first.forEach((person) -> person.setFullName("Up" + person.getId() + " Dated"));
				people.saveAll(first);
			});
			assertThat(zdm.applicationSync(SplitName.MIGRATION).syncCount() - syncs).isEqualTo(2);
			assertThat(this.db.queryLong("SELECT count(*) FROM people WHERE id <= 1000 AND first_name = 'Up' || id AND "
					+ "last_name = 'Dated'")).isEqualTo(1_000);
		});
	}

	@Test
	void aSyncThatFailsFailsTheSaveAndRollsBackItsTransaction() {
		this.runner.run((context) -> {
			expanded(context);
			PersonEntityRepository people = context.getBean(PersonEntityRepository.class);
			PersonEntity nine = people.findById(9L).orElseThrow();
			nine.setFullName("poison");
			assertThatThrownBy(() -> people.save(nine)).isInstanceOf(ApplicationSyncException.class)
				.hasMessageContaining("Migration split-name, operation 1 (transform 'splitName' on public.people)")
				.hasMessageContaining("with key (id=9)");
			assertThat(row(9)).isEqualTo("First9 Last 9");
			assertThat(context.getBean(EntityManager.class)).isNotNull();
		});
	}

}

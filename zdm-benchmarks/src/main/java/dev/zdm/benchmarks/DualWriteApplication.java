package dev.zdm.benchmarks;

import java.util.HashMap;
import java.util.Map;

import dev.zdm.core.transform.RowTransform;
import dev.zdm.spring.dualwrite.DualWrite;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.data.annotation.Id;
import org.springframework.data.jdbc.repository.config.EnableJdbcRepositories;
import org.springframework.data.relational.core.mapping.Table;
import org.springframework.data.repository.ListCrudRepository;

/**
 * The application of the dual-write scenario ({@link DualWriteBenchmark}): Spring Boot's auto-configuration
 * (a Hikari pool, Spring Data JDBC, the zdm starter with {@code @DualWrite}), one entity and one repository
 * per table, and the Java transform of the {@code @DualWrite} migration. Each entity maps {@code id} and
 * {@code full_name} only: the code predates the split, as during a migration.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableJdbcRepositories(basePackageClasses = DualWriteApplication.class, considerNestedRepositories = true)
public class DualWriteApplication {

	/** The id of the migration whose table {@link SyncedPeople} writes. */
	static final String SYNCED_MIGRATION = "bench-dual-write";

	/** The id of the migration whose table {@link TriggerPeople} writes. */
	static final String TRIGGER_MIGRATION = "bench-trigger";

	@Bean("splitName")
	SplitName splitName() {
		return new SplitName();
	}

	/** A row of the table in no migration. */
	@Table("people_none")
	public record PlainPerson(@Id Long id, String fullName) {
	}

	/** A row of the table split by triggers. */
	@Table("people_trigger")
	public record TriggerPerson(@Id Long id, String fullName) {
	}

	/** A row of the table split by a Java transform. */
	@Table("people_dual_write")
	public record SyncedPerson(@Id Long id, String fullName) {
	}

	/** No migration, no sync. */
	public interface PlainPeople extends ListCrudRepository<PlainPerson, Long> {

	}

	/** The sync triggers keep the split; the repository knows nothing of it. */
	public interface TriggerPeople extends ListCrudRepository<TriggerPerson, Long> {

	}

	/** The application keeps the split: zdm's proxy syncs every save in its transaction. */
	@DualWrite(migration = SYNCED_MIGRATION)
	public interface SyncedPeople extends ListCrudRepository<SyncedPerson, Long> {

	}

	/** Splits at the first space. */
	static final class SplitName implements RowTransform {

		@Override
		public Map<String, Object> up(Map<String, Object> old) {
			String full = (String) old.get("full_name");
			int space = (full == null) ? -1 : full.indexOf(' ');
			Map<String, Object> split = new HashMap<>();
			split.put("first_name", (space < 0) ? full : full.substring(0, space));
			split.put("last_name", (space < 0) ? null : full.substring(space + 1));
			return split;
		}

		@Override
		public Map<String, Object> down(Map<String, Object> current) {
			Map<String, Object> old = new HashMap<>();
			Object last = current.get("last_name");
			old.put("full_name", current.get("first_name") + ((last == null) ? "" : " " + last));
			return old;
		}

	}

}

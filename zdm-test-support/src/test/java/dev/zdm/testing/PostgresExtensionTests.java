package dev.zdm.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(PostgresExtension.class)
class PostgresExtensionTests {

	@Test
	void givesEachClassItsOwnDatabaseOnARealServer(TestDatabase database) {
		assertThat(database.queryStrings("SELECT current_database()")).containsExactly(database.name());
		assertThat(database.queryLong("SELECT current_setting('server_version_num')::int")).isGreaterThanOrEqualTo(140000);
	}

}

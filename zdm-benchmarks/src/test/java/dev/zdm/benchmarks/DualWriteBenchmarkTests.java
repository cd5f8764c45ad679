package dev.zdm.benchmarks;

import java.util.List;

import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the dual-write scenario from rotting: it starts its Spring Boot application against the real
 * PostgreSQL at a small size, saves through the three repositories and raw JDBC, and checks on its own that
 * the {@code @DualWrite} proxy ran one sync per save and that both split tables end in step (it throws
 * otherwise). No timing is asserted (timings belong to the run in docs/benchmarks.md).
 */
@ExtendWith(PostgresExtension.class)
class DualWriteBenchmarkTests {

	@Test
	void savesThroughEachModeAndEndsInStep(TestDatabase database) throws Exception {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setURL(database.jdbcUrl());
		dataSource.setUser(database.user());
		dataSource.setPassword(database.password());
		List<DualWriteBenchmark.Line> lines = new DualWriteBenchmark(dataSource, 3_000).run(50);
		assertThat(lines).extracting(DualWriteBenchmark.Line::sync)
			.containsExactly("no sync", "trigger sync", "`@DualWrite` sync", "no sync", "trigger sync",
					"`ApplicationSync` called directly", "no sync", "trigger sync", "`@DualWrite` sync", "no sync",
					"trigger sync", "`ApplicationSync` called directly");
		assertThat(lines).allSatisfy((line) -> assertThat(line.median()).isPositive());
		assertThat(lines).filteredOn((line) -> line.sync().equals("no sync"))
			.allSatisfy((line) -> assertThat(line.ratio()).isEqualTo(1.0));
	}

}

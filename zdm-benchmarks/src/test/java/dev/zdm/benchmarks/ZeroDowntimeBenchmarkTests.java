package dev.zdm.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the zero-downtime scenario from rotting: it runs at a small size against the real PostgreSQL and
 * must reach the facts it exists to show. No timing is asserted (timings belong to the run in
 * docs/benchmarks.md).
 */
@ExtendWith(PostgresExtension.class)
class ZeroDowntimeBenchmarkTests {

	private static final int ROWS = 20_000;

	@Test
	void naiveFailsTheOldCodeAndZdmLosesNothing(TestDatabase database, @TempDir Path out) throws Exception {
		ZeroDowntimeBenchmark.Report report = new ZeroDowntimeBenchmark(database.dataSource(),
				new ZeroDowntimeBenchmark.Settings(ROWS, 4, 1, 1, 1, out))
			.run();
		assertThat(report.outcomes()).extracting(ZeroDowntimeBenchmark.Outcome::name).containsExactly("A", "B", "C");
		ZeroDowntimeBenchmark.Outcome naive = report.outcomes().get(0);
		ZeroDowntimeBenchmark.Outcome manual = report.outcomes().get(1);
		ZeroDowntimeBenchmark.Outcome zdm = report.outcomes().get(2);
		// The old code runs on for the deploy after the rename: every one of those transactions fails.
		assertThat(naive.failed()).isPositive();
		// 42703: undefined_column (column "email" does not exist)
		assertThat(naive.firstError()).startsWith("[42703]").contains("email");
		// The recipe copies every row, but writes of the old code behind the loop never reach the new column.
		assertThat(manual.rowsCorrect() + manual.lostWrites()).isEqualTo(ROWS);
		// zdm: no failed transaction, every row under the new names with every committed write.
		assertThat(zdm.failed()).isZero();
		assertThat(zdm.firstError()).isNull();
		assertThat(zdm.lostWrites()).isZero();
		assertThat(zdm.rowsCorrect()).isEqualTo(ROWS);
		assertThat(zdm.transactions()).isPositive();
		assertThat(zdm.events()).extracting(ZeroDowntimeBenchmark.Event::label)
			.containsExactly("expand", "backfill", "switch", "deploy", "new code", "contract");
		assertThat(report.baselineTps()).isPositive();
		assertThat(report.chart()).isEqualTo(out.resolve("zero-downtime.svg"));
		String svg = Files.readString(report.chart());
		assertThat(svg).startsWith("<svg").endsWith("</svg>\n").contains("A. naive", "B. the guide", "C. zdm", "<path d=\"M");
	}

}

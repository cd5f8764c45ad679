package dev.zdm.lint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The linter on migrations nobody here wrote, checked in under {@code real-world/} with their licences
 * (nothing is fetched at test time): every file is linted without an aborted run, ZDM000 ("not understood")
 * stays below 1% of the statements, and the findings are exactly those kept in {@code <corpus>.expected}
 * (file, rule, count, positions). After a deliberate change of the findings, regenerate the expected files
 * with {@code -Dzdm.lint.corpus.update=true} and review the diff.
 */
class RealWorldCorpusTests {

	/** A corpus: where it is, what to lint in it, and how its migrations run. */
	enum Corpus {

		/** Keycloak's Liquibase changelogs from org.keycloak:keycloak-model-jpa, linted through the master changelog. */
		KEYCLOAK("keycloak", "META-INF/jpa-changelog-master.xml", LintOptions.defaults()),

		/** eclipse/hawkbit's Flyway migrations for PostgreSQL: Flyway runs each script in a transaction. */
		HAWKBIT("hawkbit", ".", LintOptions.defaults().withScriptsRunInTransaction(true)),

		/** Cases written for zdm after squawk's rule documentation, one file per squawk rule, run statement by statement. */
		SQUAWK_STYLE("squawk-style", ".", LintOptions.defaults());

		final String directory;

		final String entry;

		final LintOptions options;

		Corpus(String directory, String entry, LintOptions options) {
			this.directory = directory;
			this.entry = entry;
			this.options = options;
		}

	}

	/** What one corpus gave: the figures reported in docs/lint-rules.md, and the findings per file and rule. */
	record Outcome(int files, int statements, List<Finding> findings, List<String> aborted, long millis) {

		long unparsed() {
			return this.findings.stream().filter((finding) -> finding.ruleId().equals("ZDM000")).count();
		}

		/** ZDM048, Liquibase customChange: Java code, which no SQL reader can analyse, reported at its changeset. */
		long javaChanges() {
			return this.findings.stream().filter((finding) -> finding.ruleId().equals("ZDM048")).count();
		}

	}

	@ParameterizedTest
	@EnumSource(Corpus.class)
	void lintsEveryFileWithTheExpectedFindings(Corpus corpus) throws Exception {
		Path root = root(corpus);
		Outcome outcome = lint(corpus, root);
		System.out.printf("real-world corpus %s: %d files, %d statements, %d findings, %d ZDM000, %d customChange"
				+ " (ZDM048), %d ms%n", corpus.directory, outcome.files(), outcome.statements(),
				outcome.findings().size(), outcome.unparsed(), outcome.javaChanges(), outcome.millis());
		assertThat(outcome.aborted()).as("aborted runs").isEmpty();
		assertThat(outcome.statements()).isPositive();
		// The reader's coverage: what it could not read (a customChange is Java, reported as ZDM048).
		assertThat(outcome.unparsed() * 100.0 / outcome.statements()).as("ZDM000 in %% of %d statements: %s",
				outcome.statements(), outcome.findings().stream().filter((f) -> f.ruleId().equals("ZDM000"))
					.map(Finding::toCompilerLine).collect(Collectors.joining("\n")))
			.isLessThan(1.0);
		String actual = expectedText(outcome, root);
		Path expectedFile = root.resolveSibling(corpus.directory + ".expected");
		if (Boolean.getBoolean("zdm.lint.corpus.update")) {
			Path source = Path.of("src/test/resources/real-world", corpus.directory + ".expected");
			Files.writeString(source, actual, StandardCharsets.UTF_8);
			return;
		}
		assertThat(actual).as("findings of %s (regenerate with -Dzdm.lint.corpus.update=true)", corpus.directory)
			.isEqualTo(Files.readString(expectedFile, StandardCharsets.UTF_8));
	}

	static Path root(Corpus corpus) throws URISyntaxException {
		return Path.of(RealWorldCorpusTests.class.getResource("/real-world/" + corpus.directory).toURI());
	}

	/** Lints a corpus file by file in one run, as a CI job would; a file whose run throws counts as aborted. */
	static Outcome lint(Corpus corpus, Path root) {
		LintRun run = new Linter(corpus.options).newRun();
		List<Path> files = Linter.expand(List.of(root.resolve(corpus.entry).normalize()));
		List<Finding> findings = new ArrayList<>();
		List<String> aborted = new ArrayList<>();
		long start = System.nanoTime();
		for (Path file : files) {
			try {
				findings.addAll(run.lintFile(file));
			}
			catch (RuntimeException ex) {
				aborted.add(root.relativize(file) + ": " + ex);
			}
		}
		long millis = (System.nanoTime() - start) / 1_000_000;
		int linted = (int) findings.stream().map((f) -> f.location().file()).distinct().count();
		int fileCount = corpus.entry.endsWith(".xml") ? changelogFiles(root) : files.size();
		return new Outcome(Math.max(fileCount, linted), run.statements(), findings, aborted, millis);
	}

	/** The changelog files of a Liquibase corpus: every XML file under it but the master. */
	private static int changelogFiles(Path root) {
		try (var walk = Files.walk(root)) {
			return (int) walk.filter((p) -> p.toString().endsWith(".xml") && !p.getFileName().toString().contains("master"))
				.count();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The expected-findings text: the figures, then one line per file and rule with the count and the
	 * positions, sorted, paths relative to the corpus.
	 */
	static String expectedText(Outcome outcome, Path root) {
		Map<String, List<Finding>> byFileAndRule = new TreeMap<>();
		for (Finding finding : outcome.findings()) {
			String file = relative(root, finding.location().file());
			byFileAndRule.computeIfAbsent(file + "\t" + finding.ruleId(), (key) -> new ArrayList<>()).add(finding);
		}
		StringBuilder text = new StringBuilder();
		text.append("# files ").append(outcome.files()).append(", statements ").append(outcome.statements())
			.append(", findings ").append(outcome.findings().size()).append(", ZDM000 ").append(outcome.unparsed())
			.append(", customChange (ZDM048) ").append(outcome.javaChanges()).append("\n");
		text.append("# file\trule\tcount\tline:column of each finding\n");
		byFileAndRule.forEach((key, findings) -> text.append(key).append('\t').append(findings.size()).append('\t')
			.append(findings.stream().map((f) -> f.location().line() + ":" + f.location().column())
				.collect(Collectors.joining(" ")))
			.append('\n'));
		return text.toString();
	}

	private static String relative(Path root, String file) {
		Path path = Path.of(file);
		Path normalized = path.toAbsolutePath().normalize();
		return (normalized.startsWith(root) ? root.relativize(normalized) : path).toString().replace('\\', '/');
	}

}

package dev.zdm.spring.lint;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import dev.zdm.lint.Finding;
import dev.zdm.lint.Linter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import static org.assertj.core.api.Assertions.assertThat;

/** A changelog packaged in a jar, as in an application run with {@code java -jar}, is linted like one in a folder. */
class LocalChangelogTests {

	@Test
	void aChangelogInAJarIsCopiedWithItsIncludesAndNamedByItsClassPathLocation(@TempDir Path dir) throws IOException {
		Path jar = dir.resolve("app.jar");
		writeJar(jar, Map.of("db/changelog/db.changelog-master.yaml", """
				databaseChangeLog:
				  - include:
				      file: db/changelog/changes/001-users.sql
				  - include:
				      file: changes/002-index.sql
				      relativeToChangelogFile: true
				""", "db/changelog/changes/001-users.sql", """
				--liquibase formatted sql
				--changeset alice:create-users
				CREATE TABLE users (id bigint PRIMARY KEY, email text);
				""", "db/changelog/changes/002-index.sql", """
				--liquibase formatted sql
				--changeset alice:index-users
				CREATE INDEX idx_users_email ON users (email);
				""", "other/unrelated.txt", "not copied"));
		try (URLClassLoader classLoader = new URLClassLoader(new URL[] { jar.toUri().toURL() }, null)) {
			String location = "classpath:/db/changelog/db.changelog-master.yaml";
			Resource resource = new DefaultResourceLoader(classLoader).getResource(location);
			assertThat(resource.isFile()).isFalse();
			Path copy;
			try (LocalChangelog changelog = LocalChangelog.of(resource, location,
					new PathMatchingResourcePatternResolver(classLoader))) {
				copy = changelog.path();
				assertThat(copy).isRegularFile();
				assertThat(changelog.classpathRoot().resolve("other")).doesNotExist();
				List<Finding> findings = new Linter().newRun()
					.lintPendingChangesets(copy, changelog.classpathRoot(), null, null, null);
				assertThat(findings).extracting((finding) -> finding.ruleId() + " " + changelog.shown(finding).location()
						+ " " + finding.location().changeSet())
					.contains("ZDM001 classpath:db/changelog/changes/002-index.sql:3:1 index-users::alice");
			}
			assertThat(copy).doesNotExist();
		}
	}

	@Test
	void aChangelogInAFolderIsReadWhereItIs() throws IOException {
		String location = "classpath:lint/liquibase/unsafe/db.changelog-master.yaml";
		Resource resource = new DefaultResourceLoader().getResource(location);
		try (LocalChangelog changelog = LocalChangelog.of(resource, location, new PathMatchingResourcePatternResolver())) {
			assertThat(changelog.path()).isEqualTo(resource.getFile().toPath().toAbsolutePath());
			assertThat(changelog.classpathRoot().resolve("lint/liquibase/unsafe/db.changelog-master.yaml"))
				.isEqualTo(changelog.path());
		}
		assertThat(resource.getFile()).exists();
	}

	private static void writeJar(Path jar, Map<String, String> entries) throws IOException {
		try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out)) {
			for (Map.Entry<String, String> entry : entries.entrySet()) {
				jarOut.putNextEntry(new JarEntry(entry.getKey()));
				jarOut.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
				jarOut.closeEntry();
			}
		}
	}

}

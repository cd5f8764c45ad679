package dev.zdm.spring.lint;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

import dev.zdm.lint.Finding;
import dev.zdm.lint.SourceLocation;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;

/**
 * A changelog as a file the linter can read, with its includes beside it. A changelog in a folder of the
 * class path is read where it is; one inside a jar (an application run with {@code java -jar}) is copied
 * with the files of its top-level folder into a temporary {@code resources} folder, deleted on close, so
 * that includes resolve as they do on the class path. Findings are shown with the {@code classpath:} names
 * the application uses.
 */
final class LocalChangelog implements AutoCloseable {

	private static final String CLASSPATH = "classpath:";

	private final Path path;

	private final Path root;

	private final Path temporary;

	private LocalChangelog(Path path, Path root, Path temporary) {
		this.path = path;
		this.root = root;
		this.temporary = temporary;
	}

	/**
	 * The changelog {@code location} (as Liquibase is given it) resolved to {@code resource}.
	 */
	static LocalChangelog of(Resource resource, String location, ResourcePatternResolver resolver) throws IOException {
		String relative = classpathRelative(location);
		if (resource.isFile()) {
			Path file = resource.getFile().toPath().toAbsolutePath().normalize();
			Path root = null;
			if (relative != null && file.endsWith(relative)) {
				root = file;
				for (int i = Path.of(relative).getNameCount(); i > 0; i--) {
					root = root.getParent();
				}
			}
			return new LocalChangelog(file, root, null);
		}
		if (relative == null) {
			throw new IllegalStateException("Cannot read changelog " + location + " (" + resource
					+ ") as a file: give it as classpath:<path> or as a file");
		}
		String url = resource.getURL().toString();
		if (!url.endsWith(relative)) {
			throw new IllegalStateException("Cannot locate changelog " + location + " in " + url);
		}
		String base = url.substring(0, url.length() - relative.length());
		int slash = relative.indexOf('/');
		String top = (slash >= 0) ? relative.substring(0, slash + 1) : "";
		Path temporary = Files.createTempDirectory("zdm-lint-");
		Path root = temporary.resolve("resources");
		try {
			// From the jar's root: a pattern under a folder finds nothing in a jar without folder entries.
			for (Resource candidate : resolver.getResources(base + "**/*")) {
				String name = candidate.getURL().toString();
				if (!name.startsWith(base + top) || name.endsWith("/") || !isChangelogFile(name) || !candidate.isReadable()) {
					continue;
				}
				Path target = root.resolve(name.substring(base.length())).normalize();
				if (!target.startsWith(root)) {
					continue;
				}
				Files.createDirectories(target.getParent());
				try (InputStream in = candidate.getInputStream()) {
					Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			delete(temporary);
			throw ex;
		}
		return new LocalChangelog(root.resolve(relative), root, temporary);
	}

	/** The changelog's path on disk. */
	Path path() {
		return this.path;
	}

	/** The class path folder that holds the changelog, or null when the changelog is not on the class path. */
	Path classpathRoot() {
		return this.root;
	}

	/** The finding with its file named as the application names it ({@code classpath:db/changelog/x.yaml}). */
	Finding shown(Finding finding) {
		SourceLocation location = finding.location();
		String file = shown(location.file());
		if (file.equals(location.file())) {
			return finding;
		}
		return new Finding(finding.ruleId(), finding.severity(), finding.message(), finding.lock(),
				finding.whyItHurts(), finding.safeAlternative(), finding.docs(),
				new SourceLocation(file, location.line(), location.column(), location.changeSet()), finding.statement());
	}

	private String shown(String file) {
		if (this.root == null) {
			return file;
		}
		try {
			Path path = Path.of(file).toAbsolutePath().normalize();
			if (path.startsWith(this.root)) {
				return CLASSPATH + this.root.relativize(path).toString().replace('\\', '/');
			}
		}
		catch (RuntimeException ex) {
			// not a path: leave it as it is
		}
		return file;
	}

	@Override
	public void close() {
		if (this.temporary != null) {
			delete(this.temporary);
		}
	}

	/** The path under the class path root, or null when the location is not a class path location. */
	static String classpathRelative(String location) {
		String relative;
		if (location.startsWith("classpath*:")) {
			relative = location.substring("classpath*:".length());
		}
		else if (location.startsWith(CLASSPATH)) {
			relative = location.substring(CLASSPATH.length());
		}
		else if (!location.contains(":")) {
			// Spring resolves a bare path against the class path (DefaultResourceLoader).
			relative = location;
		}
		else {
			return null;
		}
		while (relative.startsWith("/")) {
			relative = relative.substring(1);
		}
		return relative;
	}

	private static boolean isChangelogFile(String name) {
		String lower = name.toLowerCase(Locale.ROOT);
		return lower.endsWith(".xml") || lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json")
				|| lower.endsWith(".sql");
	}

	private static void delete(Path directory) {
		try (Stream<Path> walk = Files.walk(directory)) {
			walk.sorted(Comparator.reverseOrder()).forEach((path) -> {
				try {
					Files.deleteIfExists(path);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
		}
		catch (IOException | UncheckedIOException ex) {
			// a temporary folder left behind is no reason to fail start-up
		}
	}

}

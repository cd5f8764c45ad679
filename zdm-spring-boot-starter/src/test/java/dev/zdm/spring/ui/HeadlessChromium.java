package dev.zdm.spring.ui;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code chromium} run headless from the command line: a page's DOM after its scripts ran, and a
 * screenshot. Each run has a profile directory of its own, so that runs in parallel do not share one.
 */
final class HeadlessChromium {

	static final String INSTALL_HINT = "Chromium is not installed, so the status page's browser test cannot run: "
			+ "install it with `apt-get install -y chromium` (.ci/run does), or name the binary in ZDM_CHROMIUM";

	/** Set by .ci/run: there, a missing browser fails the test instead of skipping it. */
	static final boolean REQUIRED = Boolean.parseBoolean(System.getenv("ZDM_REQUIRE_CHROMIUM"));

	private static final long TIMEOUT_SECONDS = 90;

	private final String binary;

	private final Path workDirectory;

	private HeadlessChromium(String binary, Path workDirectory) {
		this.binary = binary;
		this.workDirectory = workDirectory;
	}

	/** The browser, or {@code null} when none is installed. */
	static HeadlessChromium find(Path workDirectory) {
		String configured = System.getenv("ZDM_CHROMIUM");
		List<String> candidates = new ArrayList<>();
		if (configured != null && !configured.isBlank()) {
			candidates.add(configured);
		}
		candidates.addAll(List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"));
		for (String candidate : candidates) {
			String found = onPath(candidate);
			if (found != null) {
				return new HeadlessChromium(found, workDirectory);
			}
		}
		return null;
	}

	private static String onPath(String name) {
		if (name.contains(File.separator)) {
			return Files.isExecutable(Path.of(name)) ? name : null;
		}
		String path = System.getenv("PATH");
		if (path == null) {
			return null;
		}
		for (String directory : path.split(File.pathSeparator)) {
			Path candidate = Path.of(directory, name);
			if (Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		return null;
	}

	/** The DOM of the page once its scripts had {@code virtualMillis} of (virtual) time to run. */
	String dumpDom(String url, int virtualMillis) throws IOException, InterruptedException {
		return run(List.of("--dump-dom", "--virtual-time-budget=" + virtualMillis, url), "dump-dom");
	}

	/** Saves a PNG of the page once its scripts had {@code virtualMillis} of (virtual) time to run. */
	void screenshot(String url, int virtualMillis, Path png, int width, int height)
			throws IOException, InterruptedException {
		Files.createDirectories(png.toAbsolutePath().getParent());
		Files.deleteIfExists(png);
		run(List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
				"--hide-scrollbars", "--virtual-time-budget=" + virtualMillis, url), "screenshot");
		if (!Files.isRegularFile(png) || Files.size(png) == 0) {
			throw new IllegalStateException("Chromium wrote no screenshot to " + png);
		}
	}

	private String run(List<String> arguments, String name) throws IOException, InterruptedException {
		Path profile = Files.createTempDirectory(Files.createDirectories(this.workDirectory), "chromium-profile-");
		Path log = this.workDirectory.resolve("chromium-" + name + ".log");
		List<String> command = new ArrayList<>(List.of(this.binary, "--headless", "--no-sandbox", "--disable-gpu",
				"--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
				"--user-data-dir=" + profile.toAbsolutePath()));
		command.addAll(arguments);
		Path out = this.workDirectory.resolve("chromium-" + name + ".out");
		Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(log.toFile()).start();
		try {
			if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				throw new IllegalStateException("Chromium did not finish in " + TIMEOUT_SECONDS + " s: " + command
						+ " (its log: " + log + ")");
			}
			if (process.exitValue() != 0) {
				throw new IllegalStateException("Chromium failed with exit code " + process.exitValue() + ": " + command
						+ "\n" + Files.readString(log, StandardCharsets.UTF_8));
			}
			return Files.readString(out, StandardCharsets.UTF_8);
		}
		finally {
			// Only the process this run started, and its own children.
			process.descendants().forEach(ProcessHandle::destroyForcibly);
			process.destroyForcibly();
		}
	}

}

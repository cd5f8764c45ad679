package dev.zdm.spring.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/configuration.md and the configuration metadata the build generates from the properties classes
 * describe the same {@code zdm.*} properties: none missing from the page, none on the page that the
 * application would not bind.
 */
class ConfigurationDocumentationTests {

	private static final Pattern ROW = Pattern.compile("^\\| `(zdm\\.[^`]+)`", Pattern.MULTILINE);

	@Test
	void everyPropertyIsDocumentedAndEveryDocumentedPropertyExists() throws IOException {
		String metadata = Files.readString(Path.of("target/classes/META-INF/spring-configuration-metadata.json"),
				StandardCharsets.UTF_8);
		List<String> properties = JsonPath.<List<String>>read(metadata, "$.properties[*].name")
			.stream()
			.filter((name) -> name.startsWith("zdm."))
			.toList();
		String docs = Files.readString(Path.of("..", "docs", "configuration.md"), StandardCharsets.UTF_8);
		List<String> rows = new ArrayList<>();
		Matcher matcher = ROW.matcher(docs);
		while (matcher.find()) {
			rows.add(matcher.group(1));
		}
		assertThat(properties).as("zdm properties in the generated metadata").hasSizeGreaterThan(40);
		assertThat(properties).as("properties without a row in docs/configuration.md")
			.allSatisfy((property) -> assertThat(rows)
				.anySatisfy((row) -> assertThat(row.equals(property) || row.startsWith(property + ".<")).isTrue()));
		assertThat(rows).as("rows of docs/configuration.md the application does not bind")
			.allSatisfy((row) -> assertThat(properties)
				.anySatisfy((property) -> assertThat(row.equals(property) || row.startsWith(property + ".<")).isTrue()));
	}

}

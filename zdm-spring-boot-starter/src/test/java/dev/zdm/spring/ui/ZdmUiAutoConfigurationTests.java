package dev.zdm.spring.ui;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import dev.zdm.spring.actuate.ZdmEndpoint;
import dev.zdm.spring.autoconfigure.ZdmAutoConfiguration;
import dev.zdm.spring.autoconfigure.ZdmEndpointAutoConfiguration;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(PostgresExtension.class)
class ZdmUiAutoConfigurationTests {

	private final TestDatabase db;

	private final WebApplicationContextRunner runner;

	ZdmUiAutoConfigurationTests(TestDatabase db) {
		this.db = db;
		this.runner = new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ZdmAutoConfiguration.class, ZdmEndpointAutoConfiguration.class,
					ZdmUiAutoConfiguration.class))
			.withBean(DataSource.class, db::dataSource)
			.withPropertyValues("zdm.locations=classpath:plans/ok", "zdm.schema=zdm_ui_state",
					"management.endpoints.web.exposure.include=zdm,zdm-ui");
	}

	@BeforeEach
	void createTable() {
		this.db.execute("DROP SCHEMA IF EXISTS zdm_ui_state CASCADE", "DROP TABLE IF EXISTS users CASCADE",
				"CREATE TABLE users (id bigint PRIMARY KEY, email text)");
	}

	@Test
	void offByDefault() {
		this.runner.run((context) -> assertThat(context).hasNotFailed()
			.hasSingleBean(ZdmEndpoint.class)
			.doesNotHaveBean(ZdmUiEndpoint.class)
			.doesNotHaveBean(ZdmUiAutoConfiguration.ZdmUiPathMapper.class));
	}

	@Test
	void enabledAndExposedServesAPageThatRunsOnlyItsOwnScript() {
		this.runner.withPropertyValues("zdm.ui.enabled=true", "zdm.ui.refresh-interval=5s").run((context) -> {
			assertThat(context).hasSingleBean(ZdmUiEndpoint.class);
			String page = context.getBean(ZdmUiEndpoint.class).page();
			assertThat(page).startsWith("<!DOCTYPE html>")
				.contains("data-refresh-millis=\"5000\"")
				.contains("data-phases=\"PENDING,EXPANDING,EXPANDED,BACKFILLING,BACKFILLED,SWITCHED,CONTRACTING,COMPLETED\"")
				.contains("data-other-phases=\"ROLLING_BACK,ROLLED_BACK,UNDOING,UNDONE\"")
				.doesNotContainPattern("(?i)<script[^>]+src=")
				.doesNotContainPattern("(?i)<link")
				.doesNotContainPattern("(?i)https?://");
			// The policy lets the browser run the page's own script and style and nothing else.
			assertThat(page).contains("script-src '" + sha256(between(page, "<script>", "</script>")) + "'")
				.contains("style-src '" + sha256(between(page, "<style>", "</style>")) + "'")
				.contains("default-src 'none'")
				.contains("connect-src 'self'");
		});
	}

	@Test
	void notExposedThereIsNoPage() {
		this.runner.withPropertyValues("zdm.ui.enabled=true", "management.endpoints.web.exposure.include=zdm")
			.run((context) -> assertThat(context).hasSingleBean(ZdmEndpoint.class).doesNotHaveBean(ZdmUiEndpoint.class));
	}

	@Test
	void accessNoneThereIsNoPage() {
		this.runner.withPropertyValues("zdm.ui.enabled=true", "management.endpoint.zdm-ui.access=NONE")
			.run((context) -> assertThat(context).hasSingleBean(ZdmEndpoint.class).doesNotHaveBean(ZdmUiEndpoint.class));
	}

	@Test
	void withoutTheZdmEndpointThereIsNoPage() {
		this.runner.withPropertyValues("zdm.ui.enabled=true", "management.endpoints.web.exposure.include=zdm-ui")
			.run((context) -> assertThat(context).doesNotHaveBean(ZdmEndpoint.class).doesNotHaveBean(ZdmUiEndpoint.class));
	}

	@Test
	void outsideAWebApplicationThereIsNoPage() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ZdmAutoConfiguration.class, ZdmEndpointAutoConfiguration.class,
					ZdmUiAutoConfiguration.class))
			.withBean(DataSource.class, this.db::dataSource)
			.withPropertyValues("zdm.locations=classpath:plans/ok", "zdm.schema=zdm_ui_state", "zdm.ui.enabled=true",
					"management.endpoints.web.exposure.include=zdm,zdm-ui")
			.run((context) -> assertThat(context).hasSingleBean(ZdmEndpoint.class).doesNotHaveBean(ZdmUiEndpoint.class));
	}

	@Test
	void withoutTheActuatorThereIsNoPage() {
		this.runner.withPropertyValues("zdm.ui.enabled=true")
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ZdmUiEndpoint.class));
	}

	@Test
	void thePageIsMappedToZdmUiUnlessThePathMappingSaysOtherwise() {
		ZdmUiAutoConfiguration.ZdmUiPathMapper mapper = new ZdmUiAutoConfiguration.ZdmUiPathMapper();
		assertThat(mapper.getRootPath(EndpointId.of("zdmui"))).isEqualTo("zdm-ui");
		assertThat(mapper.getRootPath(EndpointId.fromPropertyValue("zdm-ui"))).isEqualTo("zdm-ui");
		assertThat(mapper.getRootPath(EndpointId.of("zdm"))).isNull();
	}

	private static String between(String text, String start, String end) {
		Matcher matcher = Pattern.compile(Pattern.quote(start) + "(.*?)" + Pattern.quote(end), Pattern.DOTALL).matcher(text);
		assertThat(matcher.find()).isTrue();
		return matcher.group(1);
	}

	private static String sha256(String text) throws Exception {
		return "sha256-" + Base64.getEncoder()
			.encodeToString(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
	}

}

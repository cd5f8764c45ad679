package dev.zdm.spring.dualwrite;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.repository.core.support.RepositoryFactoryCustomizer;

import static org.assertj.core.api.Assertions.assertThat;

/** The conditions of {@link DualWriteAutoConfiguration}. */
class DualWriteAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DualWriteAutoConfiguration.class));

	@Test
	void syncsRepositoriesAndBeansAndReportsReadiness() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(DualWriteMigrations.class)
			.hasSingleBean(DualWriteBeanPostProcessor.class)
			.hasSingleBean(DualWriteRepositories.class));
	}

	@Test
	void withoutSpringDataOnlyPlainBeansAreSynced() {
		this.runner.withClassLoader(new FilteredClassLoader(RepositoryFactoryCustomizer.class))
			.run((context) -> assertThat(context).hasSingleBean(DualWriteBeanPostProcessor.class)
				.doesNotHaveBean(DualWriteRepositories.class));
	}

	@Test
	void backsOffWhenZdmIsDisabled() {
		this.runner.withPropertyValues("zdm.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(DualWriteMigrations.class)
				.doesNotHaveBean(DualWriteBeanPostProcessor.class)
				.doesNotHaveBean(DualWriteRepositories.class));
	}

}

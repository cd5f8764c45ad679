package dev.zdm.spring.dualwrite;

import dev.zdm.core.migration.Orchestrator;
import dev.zdm.spring.autoconfigure.ZdmAutoConfiguration;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Auto-configuration of {@link DualWrite}: the application-side sync of annotated Spring Data repositories
 * and plain beans, and the readiness it gives this instance for their migrations.
 */
@AutoConfiguration(after = ZdmAutoConfiguration.class)
@ConditionalOnClass({ Orchestrator.class, TransactionTemplate.class })
@ConditionalOnProperty(prefix = "zdm", name = "enabled", matchIfMissing = true)
public final class DualWriteAutoConfiguration {

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static DualWriteMigrations zdmDualWriteMigrations() {
		return new DualWriteMigrations();
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static DualWriteBeanPostProcessor zdmDualWriteBeanPostProcessor(ListableBeanFactory beanFactory,
			DualWriteMigrations zdmDualWriteMigrations) {
		return new DualWriteBeanPostProcessor(DualWriteSync.from(beanFactory), zdmDualWriteMigrations);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.data.repository.core.support.RepositoryFactoryCustomizer")
	static class DualWriteRepositoriesConfiguration {

		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		static DualWriteRepositories zdmDualWriteRepositories(ListableBeanFactory beanFactory,
				DualWriteMigrations zdmDualWriteMigrations) {
			return new DualWriteRepositories(DualWriteSync.from(beanFactory), zdmDualWriteMigrations, beanFactory);
		}

	}

}

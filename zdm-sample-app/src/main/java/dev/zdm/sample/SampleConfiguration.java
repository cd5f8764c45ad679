package dev.zdm.sample;

import javax.sql.DataSource;

import dev.zdm.core.transform.RowTransform;
import dev.zdm.spring.autoconfigure.SchemaVersionDataSource;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The sample's beans: its data, its repositories in the code version that runs, its traffic. */
@Configuration(proxyBeanMethods = false)
class SampleConfiguration {

	@Bean
	DemoData demoData(DataSource dataSource, SampleProperties properties) {
		// Tables are created and seeded in the base schema, never through a version schema's views.
		DataSource tables = (dataSource instanceof SchemaVersionDataSource versioned) ? versioned.unversioned()
				: dataSource;
		return new DemoData(tables, properties.seed());
	}

	@Bean
	@ConditionalOnProperty(name = "sample.code-version", havingValue = "old", matchIfMissing = true)
	Users oldUsers(JdbcClient jdbc) {
		return new OldUsers(jdbc);
	}

	@Bean
	@ConditionalOnProperty(name = "sample.code-version", havingValue = "new")
	Users newUsers(JdbcClient jdbc) {
		return new NewUsers(jdbc);
	}

	@Bean
	Products products(JdbcClient jdbc) {
		return new Products(jdbc);
	}

	@Bean
	Customers customers(JdbcClient jdbc) {
		return new Customers(jdbc);
	}

	@Bean
	Orders orders(JdbcClient jdbc) {
		return new Orders(jdbc);
	}

	/**
	 * The transform of {@code db/zdm-java/010-customers-split-name.yaml}, by the name the plan gives. The
	 * starter does not look {@code RowTransform} beans up yet: that plan is not among the app's plans.
	 */
	@Bean
	RowTransform splitName() {
		return new SplitName();
	}

	@Bean
	TrafficGenerator trafficGenerator(Users users, Products products, Customers customers, Orders orders,
			SampleProperties properties, MeterRegistry registry) {
		return new TrafficGenerator(users, products, customers, orders, properties, registry);
	}

	@EventListener(ApplicationReadyEvent.class)
	void startTraffic(ApplicationReadyEvent event) {
		SampleProperties properties = event.getApplicationContext().getBean(SampleProperties.class);
		if (properties.traffic().enabled()) {
			event.getApplicationContext().getBean(TrafficGenerator.class).start(0, -1);
		}
	}

}

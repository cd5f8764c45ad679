package dev.zdm.sample;

import java.util.List;
import java.util.Optional;

import dev.zdm.spring.dualwrite.DualWrite;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The customers who place orders. This version of the code writes {@code customers.name}; while the
 * migration {@code customers-split-name} runs, {@code @DualWrite} keeps {@code first_name} and
 * {@code last_name} in step on each write, computed by the {@code splitName} bean, in the write's transaction.
 */
class Customers {

	record Customer(long id, String email, String name) {
	}

	private final JdbcClient jdbc;

	Customers(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** The highest id (0 when empty). */
	long maxId() {
		return this.jdbc.sql("SELECT coalesce(max(id), 0) FROM customers").query(Long.class).single();
	}

	Optional<Customer> find(long id) {
		return this.jdbc.sql("SELECT id, email, name FROM customers WHERE id = ?")
			.param(id)
			.query(Customer.class)
			.optional();
	}

	List<Customer> list(int limit) {
		return this.jdbc.sql("SELECT id, email, name FROM customers ORDER BY id LIMIT ?")
			.param(limit)
			.query(Customer.class)
			.list();
	}

	@DualWrite(migration = "customers-split-name", key = "#result.id")
	public Customer create(String email, String name) {
		return this.jdbc.sql("INSERT INTO customers (email, name) VALUES (?, ?) RETURNING id, email, name")
			.params(email, name)
			.query(Customer.class)
			.single();
	}

	@DualWrite(migration = "customers-split-name", key = "#id")
	public boolean rename(long id, String name) {
		return this.jdbc.sql("UPDATE customers SET name = ? WHERE id = ?").params(name, id).update() == 1;
	}

}

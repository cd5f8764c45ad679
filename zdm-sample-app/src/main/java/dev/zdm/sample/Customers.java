package dev.zdm.sample;

import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;

/** The customers who place orders. */
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

	Customer create(String email, String name) {
		return this.jdbc.sql("INSERT INTO customers (email, name) VALUES (?, ?) RETURNING id, email, name")
			.params(email, name)
			.query(Customer.class)
			.single();
	}

	boolean rename(long id, String name) {
		return this.jdbc.sql("UPDATE customers SET name = ? WHERE id = ?").params(name, id).update() == 1;
	}

}

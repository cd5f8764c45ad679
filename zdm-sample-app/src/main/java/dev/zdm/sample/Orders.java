package dev.zdm.sample;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;

/** The orders, each of one customer ({@code orders.customer_id}). */
class Orders {

	record Order(long id, Long customerId, BigDecimal total, OffsetDateTime createdAt) {
	}

	private static final String COLUMNS = "id, customer_id, total, created_at";

	private final JdbcClient jdbc;

	Orders(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** The highest id (0 when empty). */
	long maxId() {
		return this.jdbc.sql("SELECT coalesce(max(id), 0) FROM orders").query(Long.class).single();
	}

	Optional<Order> find(long id) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM orders WHERE id = ?").param(id).query(Order.class).optional();
	}

	List<Order> ofCustomer(long customerId, int limit) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM orders WHERE customer_id = ? ORDER BY id DESC LIMIT ?")
			.params(customerId, limit)
			.query(Order.class)
			.list();
	}

	Order create(long customerId, BigDecimal total) {
		return this.jdbc.sql("INSERT INTO orders (customer_id, total) VALUES (?, ?) RETURNING " + COLUMNS)
			.params(customerId, total)
			.query(Order.class)
			.single();
	}

}

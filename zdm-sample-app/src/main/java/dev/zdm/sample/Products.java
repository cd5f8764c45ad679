package dev.zdm.sample;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;

/** The products and their prices ({@code products.price}, a numeric in the currency's units). */
class Products {

	record Product(long id, String name, BigDecimal price) {
	}

	private final JdbcClient jdbc;

	Products(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** The highest id (0 when empty). */
	long maxId() {
		return this.jdbc.sql("SELECT coalesce(max(id), 0) FROM products").query(Long.class).single();
	}

	Optional<Product> find(long id) {
		return this.jdbc.sql("SELECT id, name, price FROM products WHERE id = ?").param(id).query(Product.class).optional();
	}

	List<Product> list(int limit) {
		return this.jdbc.sql("SELECT id, name, price FROM products ORDER BY id LIMIT ?")
			.param(limit)
			.query(Product.class)
			.list();
	}

	Product create(String name, BigDecimal price) {
		return this.jdbc.sql("INSERT INTO products (name, price) VALUES (?, ?) RETURNING id, name, price")
			.params(name, price)
			.query(Product.class)
			.single();
	}

	boolean changePrice(long id, BigDecimal price) {
		return this.jdbc.sql("UPDATE products SET price = ? WHERE id = ?").params(price, id).update() == 1;
	}

}

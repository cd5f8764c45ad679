package dev.zdm.core.migration;

import dev.zdm.core.plan.Plan;
import dev.zdm.testing.PostgresExtension;
import dev.zdm.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(PostgresExtension.class)
class SmokeTests {

	@Test
	void renameEndToEnd(TestDatabase db) {
		db.execute("CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL DEFAULT 'x')",
				"INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 1000) g");
		Orchestrator zdm = new Orchestrator(db.dataSource(), ZdmSettings.defaults());
		zdm.install();
		zdm.start(Plan.builder("rename-email").renameColumn("users", "email", "email_address").build());
		assertThat(zdm.advance("rename-email").phase()).isEqualTo(Phase.EXPANDED);
		db.execute("INSERT INTO users (id, email) VALUES (5000, 'a')", "UPDATE users SET email = 'b' WHERE id = 1");
		assertThat(zdm.advance("rename-email").phase()).isEqualTo(Phase.BACKFILLED);
		assertThat(zdm.advance("rename-email").phase()).isEqualTo(Phase.SWITCHED);
		db.execute("INSERT INTO users (id, email_address) VALUES (5001, 'c')");
		assertThat(zdm.advance("rename-email").phase()).isEqualTo(Phase.COMPLETED);
		assertThat(db.queryStrings("SELECT email_address FROM users WHERE id IN (1, 5000, 5001) ORDER BY id"))
			.containsExactly("b", "a", "c");
	}

	@Test
	void typeChangeEndToEnd(TestDatabase db) {
		db.execute("CREATE TABLE products (id int PRIMARY KEY, price numeric(10,2))",
				"INSERT INTO products SELECT g, g / 100.0 FROM generate_series(1, 1000) g");
		Orchestrator zdm = new Orchestrator(db.dataSource(), ZdmSettings.defaults());
		zdm.install();
		zdm.start(Plan.builder("price-cents").changeColumnType("products", "price", "integer",
				"round(price * 100)::integer", "price / 100.0").build());
		zdm.advanceTo("price-cents", Phase.SWITCHED);
		db.execute("UPDATE products SET price__zdm = 777 WHERE id = 2");
		assertThat(db.queryStrings("SELECT price::text FROM products WHERE id = 2")).containsExactly("7.77");
		zdm.advance("price-cents");
		assertThat(db.queryStrings("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'products'::regclass AND attname = 'price'"))
			.containsExactly("integer");
		assertThat(db.queryLong("SELECT price FROM products WHERE id = 1000")).isEqualTo(1000);
	}

}

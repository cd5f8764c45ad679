package dev.zdm.sample;

import java.math.BigDecimal;
import java.util.Map;

import dev.zdm.core.migration.Phase;
import dev.zdm.core.transform.TransformRegistry;
import org.junit.jupiter.api.Test;

/**
 * Every scenario of the zero-downtime migration guide as the sample plan that declares it, run on the sample
 * app's schema and data to {@code COMPLETED} while old and new code write, and rolled back (or undone) with
 * every row checked. See {@link ScenarioRun}.
 */
class GuideScenariosTests {

	/** Scenario 3, renaming a column: {@code db/zdm/001-rename-users-email.yaml}. */
	private static final ScenarioRun.Shape USERS_EMAIL = textColumn("users", "email", "email_address", "name",
			"'writer'");

	/** Indexes built concurrently: {@code db/zdm/003-events-happened-at-index.yaml}. */
	private static final ScenarioRun.Shape EVENTS_KIND = textColumn("events", "kind", "kind", "happened_at", "now()");

	/** Scenario 4, changing a column's type: {@code db/zdm/002-products-price-cents.yaml}. */
	private static final ScenarioRun.Shape PRODUCTS_PRICE = new ScenarioRun.Shape() {

		@Override
		public String insert(boolean newShape) {
			return "INSERT INTO products (id, name, " + column(newShape) + ") VALUES (?, 'writer', ?)";
		}

		@Override
		public String update(boolean newShape) {
			return "UPDATE products SET " + column(newShape) + " = ? WHERE id = ?";
		}

		@Override
		public Object value(long n, boolean newShape) {
			return newShape ? (Object) (int) (n % 10_000) : BigDecimal.valueOf(n % 10_000, 2);
		}

		@Override
		public String text(long n, boolean finalShape) {
			return finalShape ? String.valueOf(n % 10_000) : BigDecimal.valueOf(n % 10_000, 2).toPlainString();
		}

		@Override
		public String read(boolean finalShape) {
			return "SELECT " + column(finalShape) + "::text FROM products WHERE id = ?";
		}

		private String column(boolean newShape) {
			return newShape ? "price_cents" : "price";
		}

	};

	/** Setting NOT NULL in steps: {@code db/zdm/004-tasks-title-not-null.yaml}. */
	private static final ScenarioRun.Shape TASKS_TITLE = textColumn("tasks", "title", "title", "", "");

	/** Scenario 1, adding a column: {@code db/zdm/005-customers-middle-name.yaml}; both shapes write the name. */
	private static final ScenarioRun.Shape CUSTOMERS_NAME = textColumn("customers", "name", "name", "email",
			"'writer@example.com'");

	/** A large table's data migration: {@code db/zdm/006-documents-word-count.yaml}; both shapes write the body. */
	private static final ScenarioRun.Shape DOCUMENTS_BODY = textColumn("documents", "body", "body", "", "",
			"word_count", "1");

	private static final String WORD_COUNT = "array_length(regexp_split_to_array(btrim(body), '\\s+'), 1)";

	/** Scenario 5, adding a foreign key: {@code db/zdm/008-orders-customer-fk.yaml}; both shapes set customers. */
	private static final ScenarioRun.Shape ORDERS_CUSTOMER = new ScenarioRun.Shape() {

		@Override
		public String insert(boolean newShape) {
			return "INSERT INTO orders (id, customer_id) VALUES (?, ?)";
		}

		@Override
		public String update(boolean newShape) {
			return "UPDATE orders SET customer_id = ? WHERE id = ?";
		}

		@Override
		public Object value(long n, boolean newShape) {
			return 1 + n % 20_000;
		}

		@Override
		public String text(long n, boolean finalShape) {
			return String.valueOf(1 + n % 20_000);
		}

		@Override
		public String read(boolean finalShape) {
			return "SELECT customer_id::text FROM orders WHERE id = ?";
		}

	};

	/** Scenario 6, adding a unique constraint: {@code db/zdm/009-subscribers-email-unique.yaml}. */
	private static final ScenarioRun.Shape SUBSCRIBERS_EMAIL = new ScenarioRun.Shape() {

		private final ScenarioRun.Shape text = textColumn("subscribers", "email", "email", "", "");

		@Override
		public String insert(boolean newShape) {
			return this.text.insert(newShape);
		}

		@Override
		public String update(boolean newShape) {
			return this.text.update(newShape);
		}

		@Override
		public Object value(long n, boolean newShape) {
			return this.text.value(n, newShape);
		}

		@Override
		public String text(long n, boolean finalShape) {
			return this.text.text(n, finalShape);
		}

		@Override
		public String read(boolean finalShape) {
			return this.text.read(finalShape);
		}

		@Override
		public boolean rowsMayVanish() {
			// The older row of each duplicate pair is deleted by the plan's policy.
			return true;
		}

	};

	/**
	 * The dual-write strategy, a Java transform: {@code db/zdm/010-customers-split-name.yaml}. No trigger can
	 * run Java, so every writer writes both shapes in one statement, the old column and the new ones computed as
	 * {@link SplitName} does.
	 */
	private static final ScenarioRun.Shape CUSTOMERS_SPLIT = new ScenarioRun.Shape() {

		private static final String SPLIT = "v, split_part(v, ' ', 1), nullif(substr(v, length(split_part(v, ' ', 1)) + 2), '')";

		@Override
		public String insert(boolean newShape) {
			return "INSERT INTO public.customers (id, email, name, first_name, last_name) SELECT i, 'writer@example.com', "
					+ SPLIT + " FROM (SELECT ?::bigint AS i, ?::text AS v) s";
		}

		@Override
		public String update(boolean newShape) {
			return "UPDATE public.customers SET (name, first_name, last_name) = (SELECT " + SPLIT
					+ " FROM (SELECT ?::text AS v) s) WHERE id = ?";
		}

		@Override
		public Object value(long n, boolean newShape) {
			return "W" + n + " X" + n;
		}

		@Override
		public String text(long n, boolean finalShape) {
			return finalShape ? "W" + n + "|X" + n : "W" + n + " X" + n;
		}

		@Override
		public String read(boolean finalShape) {
			return finalShape ? "SELECT first_name || '|' || coalesce(last_name, '') FROM public.customers WHERE id = ?"
					: "SELECT name FROM public.customers WHERE id = ?";
		}

	};

	/**
	 * Writes text {@code "w<n>@example.com"} into {@code oldColumn} through the old shape and
	 * {@code newColumn} through the new one; inserts give {@code otherColumns} the SQL {@code otherValues}.
	 */
	private static ScenarioRun.Shape textColumn(String table, String oldColumn, String newColumn, String otherColumns,
			String otherValues) {
		return textColumn(table, oldColumn, newColumn, otherColumns, otherValues, otherColumns, otherValues);
	}

	/** As above, with other columns (and their values) for inserts of the new code. */
	private static ScenarioRun.Shape textColumn(String table, String oldColumn, String newColumn, String otherColumns,
			String otherValues, String newOtherColumns, String newOtherValues) {
		return new ScenarioRun.Shape() {

			@Override
			public String insert(boolean newShape) {
				String others = newShape ? newOtherColumns : otherColumns;
				String values = newShape ? newOtherValues : otherValues;
				return "INSERT INTO " + table + " (id, " + column(newShape)
						+ (others.isEmpty() ? ") VALUES (?, ?)" : ", " + others + ") VALUES (?, ?, " + values + ")");
			}

			@Override
			public String update(boolean newShape) {
				// The new code keeps the columns it owns in step itself, as it does on inserts.
				String also = (newShape && !newOtherColumns.equals(otherColumns))
						? ", " + newOtherColumns + " = " + newOtherValues : "";
				return "UPDATE " + table + " SET " + column(newShape) + " = ?" + also + " WHERE id = ?";
			}

			@Override
			public Object value(long n, boolean newShape) {
				return "w" + n + "@example.com";
			}

			@Override
			public String text(long n, boolean finalShape) {
				return "w" + n + "@example.com";
			}

			@Override
			public String read(boolean finalShape) {
				return "SELECT " + column(finalShape) + " FROM " + table + " WHERE id = ?";
			}

			private String column(boolean newShape) {
				return newShape ? newColumn : oldColumn;
			}

		};
	}

	@Test
	void renameAColumn() {
		try (ScenarioRun run = new ScenarioRun("001-rename-users-email.yaml", USERS_EMAIL)) {
			run.expandAndWrite().advanceTo(Phase.COMPLETED).assertEveryWrittenRow(true)
				.assertNone("SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'email'")
				.assertNone("SELECT count(*) FROM users WHERE id > " + ScenarioRun.UPDATED_IDS
						+ " AND id <= 50000 AND email_address IS DISTINCT FROM 'user' || id || '@example.com'")
				.assertNone("SELECT 49000 - count(*) FROM users WHERE id > 1000 AND id <= 50000")
				.assertNone("SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'email_address'"
						+ " AND NOT attnotnull");
		}
	}

	@Test
	void renameAColumnRolledBack() {
		try (ScenarioRun run = new ScenarioRun("001-rename-users-email.yaml", USERS_EMAIL)) {
			run.expandAndWrite().advanceTo(Phase.SWITCHED).rollBack().assertEveryWrittenRow(false)
				.assertNone("SELECT count(*) FROM information_schema.columns WHERE table_name = 'users'"
						+ " AND column_name = 'email_address'")
				.assertNone("SELECT count(*) FROM users WHERE id > " + ScenarioRun.UPDATED_IDS
						+ " AND id <= 50000 AND email IS DISTINCT FROM 'user' || id || '@example.com'");
		}
	}

	@Test
	void changeAColumnsType() {
		try (ScenarioRun run = new ScenarioRun("002-products-price-cents.yaml", PRODUCTS_PRICE)) {
			run.expandAndWrite().advanceTo(Phase.COMPLETED).assertEveryWrittenRow(true)
				.assertNone("SELECT count(*) FROM information_schema.columns WHERE table_name = 'products'"
						+ " AND column_name = 'price'")
				.assertNone("SELECT count(*) FROM information_schema.columns WHERE table_name = 'products'"
						+ " AND column_name = 'price_cents' AND (data_type <> 'integer' OR column_default <> '0')")
				.assertNone("SELECT count(*) FROM products WHERE id > " + ScenarioRun.UPDATED_IDS
						+ " AND id <= 50000 AND price_cents IS DISTINCT FROM (id % 10000)::integer");
		}
	}

	@Test
	void changeAColumnsTypeRolledBack() {
		try (ScenarioRun run = new ScenarioRun("002-products-price-cents.yaml", PRODUCTS_PRICE)) {
			run.expandAndWrite().advanceTo(Phase.BACKFILLED).rollBack().assertEveryWrittenRow(false)
				.assertNone("SELECT count(*) FROM information_schema.columns WHERE table_name = 'products'"
						+ " AND column_name = 'price_cents'")
				.assertNone("SELECT count(*) FROM products WHERE id > " + ScenarioRun.UPDATED_IDS
						+ " AND id <= 50000 AND price IS DISTINCT FROM (id % 10000) / 100.0");
		}
	}

	@Test
	void createAnIndexConcurrently() {
		try (ScenarioRun run = new ScenarioRun("003-events-happened-at-index.yaml", EVENTS_KIND)) {
			run.expandAndWrite().advanceTo(Phase.COMPLETED).assertEveryWrittenRow(true)
				.assertNone("SELECT 1 - count(*) FROM pg_index WHERE indexrelid = 'events_happened_at_idx'::regclass"
						+ " AND indisvalid AND indrelid = 'events'::regclass")
				.assertNone("SELECT count(*) FROM events WHERE id > " + ScenarioRun.UPDATED_IDS
						+ " AND id <= 20000 AND kind NOT IN ('signup', 'login', 'purchase')");
		}
	}

	@Test
	void createAnIndexConcurrentlyRolledBack() {
		try (ScenarioRun run = new ScenarioRun("003-events-happened-at-index.yaml", EVENTS_KIND)) {
			run.expandAndWrite().advanceTo(Phase.SWITCHED).rollBack().assertEveryWrittenRow(false)
				.assertNone("SELECT count(*) FROM pg_class WHERE relname = 'events_happened_at_idx'");
		}
	}

	@Test
	void setNotNullInSteps() {
		try (ScenarioRun run = new ScenarioRun("004-tasks-title-not-null.yaml", TASKS_TITLE)) {
			run.expandAndWrite().advanceTo(Phase.COMPLETED).assertEveryWrittenRow(true)
				.assertNone("SELECT count(*) FROM pg_attribute WHERE attrelid = 'tasks'::regclass AND attname = 'title'"
						+ " AND NOT attnotnull")
				.assertNone("SELECT count(*) FROM pg_constraint WHERE conrelid = 'tasks'::regclass AND contype = 'c'")
				.assertNone("SELECT count(*) FROM tasks WHERE id > " + ScenarioRun.UPDATED_IDS + " AND id <= 20000"
						+ " AND title IS DISTINCT FROM CASE WHEN id % 10 = 0 THEN 'untitled' ELSE 'Task ' || id END");
		}
	}

	@Test
	void setNotNullInStepsRolledBack() {
		try (ScenarioRun run = new ScenarioRun("004-tasks-title-not-null.yaml", TASKS_TITLE)) {
			run.expandAndWrite().advanceTo(Phase.BACKFILLED).rollBack().assertEveryWrittenRow(false)
				.assertNone("SELECT count(*) FROM pg_attribute WHERE attrelid = 'tasks'::regclass AND attname = 'title'"
						+ " AND attnotnull")
				.assertNone("SELECT count(*) FROM pg_constraint WHERE conrelid = 'tasks'::regclass AND contype = 'c'")
				// The rows 'fill' wrote keep their value: they are writes the column accepted.
				.assertNone("SELECT count(*) FROM tasks WHERE id > " + ScenarioRun.UPDATED_IDS + " AND id <= 20000"
						+ " AND title IS DISTINCT FROM CASE WHEN id % 10 = 0 THEN 'untitled' ELSE 'Task ' || id END");
		}
	}

	@Test
	void addAColumn() {
		try (ScenarioRun run = new ScenarioRun("005-customers-middle-name.yaml", CUSTOMERS_NAME)) {
			run.expandAndWrite().advanceTo(Phase.COMPLETED).assertEveryWrittenRow(true)
				.assertNone("SELECT 1 - count(*) FROM information_schema.columns WHERE table_name = 'customers'"
						+ " AND column_name = 'middle_name' AND character_maximum_length = 100 AND column_default IS NULL"
						+ " AND is_nullable = 'YES'")
				.assertNone("SELECT count(*) FROM customers WHERE middle_name IS NOT NULL")
				.assertNone("SELECT count(*) FROM customers WHERE id > " + ScenarioRun.UPDATED_IDS
						+ " AND id <= 20000 AND name IS DISTINCT FROM 'Customer ' || id");
		}
	}

	@Test
	void addAColumnRolledBack() {
		try (ScenarioRun run = new ScenarioRun("005-customers-middle-name.yaml", CUSTOMERS_NAME)) {
			run.expandAndWrite().advanceTo(Phase.SWITCHED).rollBack().assertEveryWrittenRow(false)
				.assertNone("SELECT count(*) FROM information_schema.columns WHERE table_name = 'customers'"
						+ " AND column_name = 'middle_name'")
				.assertNone("SELECT count(*) FROM customers WHERE id > " + ScenarioRun.UPDATED_IDS
						+ " AND id <= 20000 AND name IS DISTINCT FROM 'Customer ' || id");
		}
	}

	@Test
	void migrateALargeTablesData() {
		try (ScenarioRun run = new ScenarioRun("006-documents-word-count.yaml", DOCUMENTS_BODY)) {
			run.expandAndWrite().advanceTo(Phase.COMPLETED).assertEveryWrittenRow(true)
				.assertNone("SELECT count(*) FROM documents WHERE word_count IS DISTINCT FROM " + WORD_COUNT)
				.assertNone("SELECT count(*) FROM documents WHERE id > " + ScenarioRun.UPDATED_IDS
						+ " AND id <= 20000 AND word_count <> 1 + id % 50")
				.assertNone("SELECT count(*) FROM pg_attribute WHERE attrelid = 'documents'::regclass"
						+ " AND attname = 'word_count' AND NOT attnotnull");
		}
	}

	@Test
	void migrateALargeTablesDataRolledBack() {
		try (ScenarioRun run = new ScenarioRun("006-documents-word-count.yaml", DOCUMENTS_BODY)) {
			run.expandAndWrite().advanceTo(Phase.SWITCHED).rollBack().assertEveryWrittenRow(false)
				.assertNone("SELECT count(*) FROM information_schema.columns WHERE table_name = 'documents'"
						+ " AND column_name = 'word_count'")
				.assertNone("SELECT count(*) FROM documents WHERE id > " + ScenarioRun.UPDATED_IDS
						+ " AND id <= 20000 AND body IS DISTINCT FROM repeat('word ', 1 + (id % 50)::integer)");
		}
	}

	@Test
	void addAForeignKey() {
		try (ScenarioRun run = new ScenarioRun("008-orders-customer-fk.yaml", ORDERS_CUSTOMER)) {
			run.expandAndWrite().advanceTo(Phase.COMPLETED).assertEveryWrittenRow(true)
				.assertNone("SELECT 1 - count(*) FROM pg_constraint WHERE conrelid = 'orders'::regclass"
						+ " AND conname = 'fk_orders_customers' AND contype = 'f' AND convalidated"
						+ " AND confrelid = 'customers'::regclass")
				// The referencing column is indexed (built concurrently, since no index had it).
				.assertNone("SELECT 1 - count(*) FROM pg_index WHERE indrelid = 'orders'::regclass AND indisvalid"
						+ " AND indkey[0] = (SELECT attnum FROM pg_attribute WHERE attrelid = 'orders'::regclass"
						+ " AND attname = 'customer_id')")
				.assertNone("SELECT count(*) FROM orders WHERE id > " + ScenarioRun.UPDATED_IDS
						+ " AND id <= 20000 AND customer_id <> 1 + id % 20000");
		}
	}

	@Test
	void addAForeignKeyRolledBack() {
		try (ScenarioRun run = new ScenarioRun("008-orders-customer-fk.yaml", ORDERS_CUSTOMER)) {
			run.expandAndWrite().advanceTo(Phase.SWITCHED).rollBack().assertEveryWrittenRow(false)
				.assertNone("SELECT count(*) FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'f'")
				.assertNone("SELECT count(*) - 1 FROM pg_index WHERE indrelid = 'orders'::regclass");
		}
	}

	@Test
	void addAUniqueConstraint() {
		try (ScenarioRun run = new ScenarioRun("009-subscribers-email-unique.yaml", SUBSCRIBERS_EMAIL)) {
			run.expandAndWrite().advanceTo(Phase.COMPLETED).assertEveryWrittenRow(true)
				.assertNone("SELECT 1 - count(*) FROM pg_constraint WHERE conrelid = 'subscribers'::regclass"
						+ " AND conname = 'subscribers_email_unique' AND contype = 'u'")
				.assertNone("SELECT count(*) - count(DISTINCT email) FROM subscribers")
				// Of each pair signed up twice, the newer row is kept, the older one deleted.
				.assertNone("SELECT count(*) FROM subscribers WHERE id > " + ScenarioRun.UPDATED_IDS
						+ " AND id <= 20000 AND id % 100 = 99")
				.assertNone("SELECT (19000 - 190) - count(*) FROM subscribers WHERE id > " + ScenarioRun.UPDATED_IDS
						+ " AND id <= 20000")
				.assertNone("SELECT count(*) FROM subscribers WHERE id > " + ScenarioRun.UPDATED_IDS
						+ " AND id <= 20000 AND email <> 'reader' || (CASE WHEN id % 100 = 0 THEN id - 1 ELSE id END)"
						+ " || '@example.com'");
		}
	}

	@Test
	void addAUniqueConstraintRolledBack() {
		try (ScenarioRun run = new ScenarioRun("009-subscribers-email-unique.yaml", SUBSCRIBERS_EMAIL)) {
			run.expandAndWrite().advanceTo(Phase.BACKFILLED).rollBack().assertEveryWrittenRow(false)
				.assertNone("SELECT count(*) FROM pg_constraint WHERE conrelid = 'subscribers'::regclass AND contype = 'u'")
				.assertNone("SELECT count(*) - 1 FROM pg_index WHERE indrelid = 'subscribers'::regclass")
				// Rows the policy deleted stay deleted: it is a data change the plan asked for.
				.assertNone("SELECT count(*) FROM subscribers WHERE id > " + ScenarioRun.UPDATED_IDS
						+ " AND id <= 20000 AND id % 100 = 99");
		}
	}

	@Test
	void replaceColumnsWithAJavaTransform() {
		TransformRegistry transforms = TransformRegistry.of(Map.of("splitName", new SplitName()));
		try (ScenarioRun run = new ScenarioRun("db/zdm/010-customers-split-name.yaml", CUSTOMERS_SPLIT, transforms)) {
			// The writers' statements name customers.name: they stop before contract drops it.
			run.expandAndWrite().advanceTo(Phase.SWITCHED).stopWriting().advanceTo(Phase.COMPLETED)
				.assertEveryWrittenRow(true)
				.assertNone("SELECT count(*) FROM information_schema.columns WHERE table_name = 'customers'"
						+ " AND column_name = 'name'")
				.assertNone("SELECT count(*) FROM customers WHERE id > " + ScenarioRun.UPDATED_IDS + " AND id <= 20000"
						+ " AND (first_name IS DISTINCT FROM 'Customer' OR last_name IS DISTINCT FROM id::text)")
				.assertNone("SELECT 19000 - count(*) FROM customers WHERE id > 1000 AND id <= 20000");
		}
	}

}

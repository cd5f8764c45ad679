package dev.zdm.sample;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The sample app's settings ({@code sample.*}).
 *
 * @param codeVersion which version of the application code runs: {@code old}, written for the schema before
 * the {@code rename-users-email} migration (it reads and writes {@code users.email}), or {@code new}, written
 * for the schema after it ({@code users.email_address})
 * @param seed how many rows a fresh database is given
 * @param traffic the traffic generator
 */
@ConfigurationProperties("sample")
record SampleProperties(@DefaultValue("old") CodeVersion codeVersion, @DefaultValue Seed seed,
		@DefaultValue Traffic traffic) {

	enum CodeVersion {

		OLD, NEW

	}

	/**
	 * Rows seeded into empty tables at start-up.
	 * @param users rows of {@code users}: the rename's backfill is visible for a few seconds at the default
	 * @param products rows of {@code products}
	 * @param customers rows of {@code customers}
	 * @param orders rows of {@code orders} (each for one of the customers)
	 * @param documents rows of {@code documents}, the large table of the data migration
	 * @param others rows of each of the other scenarios' tables (accounts, subscribers, tasks, events)
	 */
	record Seed(@DefaultValue("300000") int users, @DefaultValue("100000") int products,
			@DefaultValue("20000") int customers, @DefaultValue("100000") int orders,
			@DefaultValue("100000") int documents, @DefaultValue("20000") int others) {
	}

	/**
	 * The traffic generator.
	 * @param enabled whether it starts with the application (otherwise {@code POST /traffic/start})
	 * @param threads concurrent sessions
	 * @param rate requests per second across all sessions (0: as fast as they go)
	 */
	record Traffic(@DefaultValue("false") boolean enabled, @DefaultValue("4") int threads,
			@DefaultValue("200") int rate) {
	}

}

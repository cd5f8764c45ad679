package dev.zdm.spring.dualwrite;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;

/** Writes a table whose primary key has two columns (tenant, id): a key expression per key column. */
public class AccountWriter {

	static final String MIGRATION = "split-account-name";

	private final JdbcClient jdbc;

	public AccountWriter(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@DualWrite(migration = MIGRATION, key = { "#tenant", "#id" })
	public void rename(int tenant, long id, String name) {
		this.jdbc.sql("UPDATE accounts SET full_name = ? WHERE tenant = ? AND id = ?").params(name, tenant, id).update();
	}

	@DualWrite(migration = MIGRATION, key = { "#ids.![#tenant]", "#ids" })
	public void renameAll(int tenant, List<Long> ids, String name) {
		this.jdbc.sql("UPDATE accounts SET full_name = ? WHERE tenant = ? AND id = ANY (?)")
			.params(name, tenant, ids.toArray(new Long[0]))
			.update();
	}

	@DualWrite(migration = MIGRATION, key = { "#tenant", "#ids" })
	public void renameAllWithAKeyOfOneTenant(int tenant, List<Long> ids, String name) {
		this.jdbc.sql("UPDATE accounts SET full_name = ? WHERE tenant = ? AND id = ANY (?)")
			.params(name, tenant, ids.toArray(new Long[0]))
			.update();
	}

}

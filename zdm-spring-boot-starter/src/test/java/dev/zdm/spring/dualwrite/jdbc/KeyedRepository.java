package dev.zdm.spring.dualwrite.jdbc;

import dev.zdm.spring.dualwrite.DualWrite;

import org.springframework.data.jdbc.repository.query.Modifying;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.Repository;

/** A repository whose @Modifying query names the rows it writes. */
public interface KeyedRepository extends Repository<Person, Long> {

	@Modifying
	@Query("UPDATE people SET full_name = :name WHERE id = :id")
	@DualWrite(migration = "split-name", key = "#id")
	int rename(long id, String name);

}

package dev.zdm.spring.dualwrite.unkeyed;

import dev.zdm.spring.dualwrite.jdbc.Person;

import dev.zdm.spring.dualwrite.DualWrite;

import org.springframework.data.jdbc.repository.query.Modifying;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.Repository;

/** A repository with a write whose rows zdm cannot know. */
@DualWrite(migration = "split-name")
public interface UnkeyedRepository extends Repository<Person, Long> {

	@Modifying
	@Query("UPDATE people SET full_name = upper(full_name)")
	int shoutAll();

}

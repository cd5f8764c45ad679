package dev.zdm.spring.dualwrite.jdbc;

import dev.zdm.spring.dualwrite.DualWrite;

import org.springframework.data.repository.ListCrudRepository;

/** The current version's repository, writing the old shape, dual-writing for the split. */
@DualWrite(migration = "split-name")
public interface PersonRepository extends ListCrudRepository<Person, Long> {

	long countByFullNameStartingWith(String prefix);

}

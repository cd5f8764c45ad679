package dev.zdm.spring.dualwrite.jpa;

import dev.zdm.spring.dualwrite.DualWrite;

import org.springframework.data.jpa.repository.JpaRepository;

/** The current version's JPA repository, dual-writing for the split. */
@DualWrite(migration = "split-name")
public interface PersonEntityRepository extends JpaRepository<PersonEntity, Long> {

}

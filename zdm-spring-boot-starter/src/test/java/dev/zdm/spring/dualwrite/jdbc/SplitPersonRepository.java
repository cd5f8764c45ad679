package dev.zdm.spring.dualwrite.jdbc;

import dev.zdm.core.migration.ApplicationSync;
import dev.zdm.spring.dualwrite.DualWrite;

import org.springframework.data.repository.ListCrudRepository;

/** The next version's repository, writing the new shape: the old column is computed for old readers. */
@DualWrite(migration = "split-name", writes = ApplicationSync.Shape.NEW)
public interface SplitPersonRepository extends ListCrudRepository<SplitPerson, Long> {

}

package dev.zdm.spring.dualwrite.jdbc;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/** A person as the next version maps it: the new shape. */
@Table("people")
public record SplitPerson(@Id Long id, String firstName, String lastName) {
}

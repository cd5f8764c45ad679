package dev.zdm.spring.dualwrite.jdbc;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/** A person as the application's current version maps it: the old shape. */
@Table("people")
public record Person(@Id Long id, String fullName) {
}

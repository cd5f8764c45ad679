package dev.zdm.spring.dualwrite.jpa;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A person as a JPA entity of the current version: the old shape. */
@Entity
@Table(name = "people")
public class PersonEntity {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private Long id;

	private String fullName;

	protected PersonEntity() {
	}

	public PersonEntity(Long id, String fullName) {
		this.id = id;
		this.fullName = fullName;
	}

	public Long getId() {
		return this.id;
	}

	public String getFullName() {
		return this.fullName;
	}

	public void setFullName(String fullName) {
		this.fullName = fullName;
	}

}

package dev.zdm.spring.dualwrite;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.zdm.core.migration.ApplicationSync;

/**
 * The writes of this repository (interface or class) or method keep the two shapes of a migration's
 * columns in step, when a Java {@code RowTransform} computes them ({@code replaceColumns} with
 * {@code transform:}): after each write, in its transaction, zdm computes the other shape of the written
 * rows and writes it, one statement for all of them. A transaction is started when none is active; when the
 * sync fails, the write fails with it.
 * <p>
 * On a Spring Data repository (JDBC or JPA) the keys of {@code save*} calls are the saved entities' ids;
 * {@code delete*} needs no sync (the row goes with both shapes); finders and other reads are left alone. A
 * method that writes in another way (a {@code @Modifying} query, a custom method, any method of a plain
 * bean that is not named like a read) needs a {@link #key}, or the application does not start.
 *
 * @see ApplicationSync
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface DualWrite {

	/** The id of the migration (its plan) whose columns the writes keep in step. */
	String migration();

	/**
	 * The primary keys of the rows a method writes, as a SpEL expression over its arguments ({@code #user.id},
	 * {@code #p0}, {@code #ids}) and its return value ({@code #result.id}); a collection or array gives several
	 * keys. For a primary key of several columns, one expression per key column, in the key's order
	 * ({@code key = {"#tenant", "#id"}}), each giving the same number of values (one per written row). Not needed
	 * for the {@code save*} methods of Spring Data repositories whose entities have a single-column id.
	 */
	String[] key() default {};

	/**
	 * The shape the code writes: {@link ApplicationSync.Shape#OLD} (the columns the migration replaces; the
	 * new ones are computed) for the version that predates the migration's new shape,
	 * {@link ApplicationSync.Shape#NEW} for the version written for it (the old columns are computed, for old
	 * readers and a rollback).
	 */
	ApplicationSync.Shape writes() default ApplicationSync.Shape.OLD;

}

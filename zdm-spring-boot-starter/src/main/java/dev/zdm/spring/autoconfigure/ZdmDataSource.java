package dev.zdm.spring.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.beans.factory.annotation.Qualifier;

/**
 * Qualifier of the {@code DataSource} zdm uses for its DDL, backfills and state instead of the application's,
 * for example one that connects as a role allowed to alter tables. If it is a second {@code DataSource} bean,
 * mark the application's own as {@code @Primary}. The {@code zdm.datasource.*} properties are the alternative
 * without a bean.
 */
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Qualifier
public @interface ZdmDataSource {

}

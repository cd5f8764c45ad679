package dev.zdm.spring.dualwrite;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.data.jdbc.repository.support.JdbcRepositoryFactory;
import org.springframework.data.mapping.PersistentPropertyAccessor;
import org.springframework.data.relational.core.mapping.RelationalMappingContext;
import org.springframework.data.relational.core.mapping.RelationalPersistentEntity;
import org.springframework.data.relational.core.mapping.RelationalPersistentProperty;
import org.springframework.data.repository.core.support.RepositoryFactorySupport;
import org.springframework.util.function.SingletonSupplier;

/**
 * The values a Spring Data JDBC entity holds, by column, as its repository's {@code save} wrote them: what
 * lets the sync of a single-row save compute from the entity and write in one statement
 * ({@link dev.zdm.core.migration.ApplicationSync#sync(java.sql.Connection, dev.zdm.core.migration.ApplicationSync.Shape, Object, Map)},
 * which checks them against what the row holds). Only used when Spring Data JDBC is present.
 */
final class JdbcEntityColumns implements Binding.Values {

	private final Supplier<RelationalMappingContext> context;

	private JdbcEntityColumns(Supplier<RelationalMappingContext> context) {
		this.context = context;
	}

	/**
	 * The values of the entities of {@code factory}'s repositories, or {@code null} when it is not Spring Data
	 * JDBC's; the mapping context is the application's (unique) one, looked up when first needed.
	 */
	static Binding.Values of(RepositoryFactorySupport factory, ListableBeanFactory beanFactory) {
		if (!(factory instanceof JdbcRepositoryFactory)) {
			return null;
		}
		return new JdbcEntityColumns(
				SingletonSupplier.of(() -> beanFactory.getBeanProvider(RelationalMappingContext.class).getIfUnique()));
	}

	/**
	 * The entity's simple properties by column name (nested entities, embedded values and collections are left
	 * out: a transform reading their columns goes the way of a locked read), or {@code null} when it is not an
	 * entity the mapping context has mapped (nothing is added to the context).
	 */
	@Override
	public Map<String, Object> of(Object entity) {
		RelationalMappingContext context = this.context.get();
		if (entity == null || context == null || !context.hasPersistentEntityFor(entity.getClass())) {
			// Not an entity the repositories already mapped (a collection a saveAll returned): none is created.
			return null;
		}
		RelationalPersistentEntity<?> persistent = context.getRequiredPersistentEntity(entity.getClass());
		PersistentPropertyAccessor<?> accessor = persistent.getPropertyAccessor(entity);
		Map<String, Object> values = new HashMap<>();
		for (RelationalPersistentProperty property : persistent) {
			if (property.isEntity() || property.isEmbedded() || property.isCollectionLike() || property.isMap()) {
				continue;
			}
			values.put(property.getColumnName().getReference(), accessor.getProperty(property));
		}
		return values;
	}

}

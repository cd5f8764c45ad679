package dev.zdm.spring.dualwrite;

import java.sql.Connection;
import java.util.Collection;
import java.util.Map;
import java.util.function.Supplier;

import javax.sql.DataSource;

import dev.zdm.core.migration.ApplicationSync;
import dev.zdm.core.migration.Orchestrator;
import org.aopalliance.intercept.MethodInvocation;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.ClassUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * Runs a {@link DualWrite} method and the sync of the rows it wrote in one transaction: the caller's, or one
 * started around both. The sync runs on the transaction's connection to the application's
 * {@link DataSource}, after the pending changes of JPA are flushed to it.
 */
final class DualWriteSync {

	private final Supplier<Orchestrator> orchestrator;

	private final Supplier<DataSource> dataSource;

	private final Supplier<PlatformTransactionManager> transactionManager;

	private final Runnable flush;

	/**
	 * @param flush writes the ORM's pending changes of the current transaction to the database (JPA's
	 * {@code flush}), or does nothing
	 */
	DualWriteSync(Supplier<Orchestrator> orchestrator, Supplier<DataSource> dataSource,
			Supplier<PlatformTransactionManager> transactionManager, Runnable flush) {
		this.orchestrator = orchestrator;
		this.dataSource = dataSource;
		this.transactionManager = transactionManager;
		this.flush = flush;
	}

	/** A checked exception of the method, carried out of the {@link TransactionTemplate}. */
	private static final class Carrier extends RuntimeException {

		Carrier(Throwable cause) {
			super(cause);
		}

	}

	/**
	 * A sync whose collaborators are looked up in {@code beanFactory} when first needed: the orchestrator,
	 * the (unique) DataSource, the transaction manager (a {@link JdbcTransactionManager} over the DataSource
	 * when there is none), and JPA's entity manager factories when JPA is present.
	 */
	static DualWriteSync from(ListableBeanFactory beanFactory) {
		Supplier<DataSource> dataSource = SingletonSupplier.of(() -> beanFactory.getBean(DataSource.class));
		Runnable flush = (ClassUtils.isPresent("jakarta.persistence.EntityManagerFactory", null)
				&& ClassUtils.isPresent("org.springframework.orm.jpa.EntityManagerHolder", null)) ? new JpaFlush(beanFactory)
						: () -> {
						};
		return new DualWriteSync(SingletonSupplier.of(() -> beanFactory.getBean(Orchestrator.class)), dataSource,
				SingletonSupplier.of(() -> beanFactory.getBeanProvider(PlatformTransactionManager.class)
					.getIfUnique(() -> new JdbcTransactionManager(dataSource.get()))),
				flush);
	}

	Object invoke(MethodInvocation invocation, Binding binding) throws Throwable {
		ApplicationSync sync = this.orchestrator.get().applicationSync(binding.migration());
		if (!sync.active(binding.shape())) {
			return invocation.proceed();
		}
		if (TransactionSynchronizationManager.isActualTransactionActive()) {
			return writeAndSync(invocation, binding, sync);
		}
		TransactionTemplate transaction = new TransactionTemplate(this.transactionManager.get());
		try {
			return transaction.execute((status) -> {
				try {
					return writeAndSync(invocation, binding, sync);
				}
				catch (RuntimeException | Error ex) {
					throw ex;
				}
				catch (Throwable ex) {
					throw new Carrier(ex);
				}
			});
		}
		catch (Carrier ex) {
			throw ex.getCause();
		}
	}

	private Object writeAndSync(MethodInvocation invocation, Binding binding, ApplicationSync sync) throws Throwable {
		Object result = invocation.proceed();
		Collection<?> keys = binding.keys().of(invocation.getMethod(), invocation.getArguments(), result);
		if (keys.isEmpty()) {
			return result;
		}
		this.flush.run();
		DataSource dataSource = this.dataSource.get();
		Connection connection = DataSourceUtils.getConnection(dataSource);
		try {
			if (!DataSourceUtils.isConnectionTransactional(connection, dataSource)) {
				// Another connection would wait forever for the rows the write locked.
				throw new IllegalStateException("@DualWrite(migration = \"" + binding.migration() + "\") on "
						+ invocation.getMethod().getDeclaringClass().getSimpleName() + "." + invocation.getMethod().getName()
						+ ": the active transaction is not bound to the application's DataSource, so zdm cannot sync the "
						+ "written rows on the write's connection. Use a transaction manager over that DataSource "
						+ "(JdbcTransactionManager, or JpaTransactionManager with its DataSource).");
			}
			Map<String, Object> values = (keys.size() == 1 && binding.values() != null) ? binding.values().of(result)
					: null;
			if (values != null) {
				// The saved entity's values: the sync computes from them in one statement.
				sync.sync(connection, binding.shape(), keys.iterator().next(), values);
			}
			else {
				sync.sync(connection, binding.shape(), keys);
			}
		}
		finally {
			DataSourceUtils.releaseConnection(connection, dataSource);
		}
		return result;
	}

}

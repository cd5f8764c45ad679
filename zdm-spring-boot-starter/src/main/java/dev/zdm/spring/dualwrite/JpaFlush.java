package dev.zdm.spring.dualwrite;

import jakarta.persistence.EntityManagerFactory;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.orm.jpa.EntityManagerHolder;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Writes the pending changes of the JPA entity managers of the current transaction to the database, so
 * that the sync sees (and locks) the rows the repository call wrote.
 */
final class JpaFlush implements Runnable {

	private final ListableBeanFactory beanFactory;

	JpaFlush(ListableBeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void run() {
		this.beanFactory.getBeanProvider(EntityManagerFactory.class).forEach((factory) -> {
			if (TransactionSynchronizationManager.getResource(factory) instanceof EntityManagerHolder holder
					&& holder.getEntityManager().isJoinedToTransaction()) {
				holder.getEntityManager().flush();
			}
		});
	}

}

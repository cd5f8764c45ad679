package dev.zdm.lint.internal;

import liquibase.change.ChangeFactory;
import liquibase.change.ChangeMetaData;
import liquibase.change.DatabaseChange;
import liquibase.change.custom.CustomChangeWrapper;
import liquibase.database.Database;
import liquibase.exception.CustomChangeException;
import liquibase.parser.core.ParsedNode;
import liquibase.parser.core.ParsedNodeException;
import liquibase.resource.ResourceAccessor;

/**
 * Liquibase's {@code customChange}, as the linter reads it: while the linter parses a changelog on the
 * current thread ({@link #reading()}), the Java class is neither loaded nor run, so that a class missing
 * from the linter's classpath cannot abort the run and user code never runs against an offline database;
 * the linter reports the change as not analysed instead. Anywhere else (another thread running a real
 * update included) it is exactly Liquibase's {@link CustomChangeWrapper}: a plain thread-local marks the
 * linter's reading, not a Liquibase scope attribute, because Liquibase scopes can be shared with threads
 * started inside them. Public only because Liquibase instantiates changes by reflection.
 */
@DatabaseChange(name = "customChange", description = "A change written in Java (as read by zdm's linter)",
		priority = ChangeMetaData.PRIORITY_DEFAULT + 1)
public class UnrunCustomChange extends CustomChangeWrapper {

	private static final ThreadLocal<Boolean> LINTING = new ThreadLocal<>();

	private static volatile boolean registered;

	private String unloadedClass;

	/** The linter's reading of a changelog on this thread, until closed. */
	public interface Reading extends AutoCloseable {

		@Override
		void close();

	}

	/** Marks the current thread as reading a changelog for the linter, until the returned reading is closed. */
	public static Reading reading() {
		LINTING.set(Boolean.TRUE);
		return LINTING::remove;
	}

	/** Registers this change with Liquibase once per JVM; harmless outside the linter's reading. */
	public static void register() {
		if (!registered) {
			synchronized (UnrunCustomChange.class) {
				if (!registered) {
					ChangeFactory.getInstance().register(new UnrunCustomChange());
					registered = true;
				}
			}
		}
	}

	@Override
	public CustomChangeWrapper setClass(String className) throws CustomChangeException {
		if (Boolean.TRUE.equals(LINTING.get())) {
			this.unloadedClass = className;
			return this;
		}
		return super.setClass(className);
	}

	@Override
	public void customLoadLogic(ParsedNode parsedNode, ResourceAccessor resourceAccessor) throws ParsedNodeException {
		// The parameters configure the Java object, which the linter does not create.
		if (this.unloadedClass == null) {
			super.customLoadLogic(parsedNode, resourceAccessor);
		}
	}

	@Override
	public String getClassName() {
		return (this.unloadedClass != null) ? this.unloadedClass : super.getClassName();
	}

	/** Whether the class was left unloaded because the linter read the changelog. */
	public boolean unloaded() {
		return this.unloadedClass != null;
	}

	@Override
	public boolean supports(Database database) {
		return true;
	}

}

package dev.zdm.lint.internal;

import liquibase.Scope;
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
 * Liquibase's {@code customChange}, as the linter reads it: while the linter parses a changelog (a Liquibase
 * scope holding {@link #LINTING}), the Java class is neither loaded nor run, so that a class missing from the
 * linter's classpath cannot abort the run and user code never runs against an offline database; the linter
 * reports the change as not analysed instead. Outside the linter's scope it is exactly Liquibase's
 * {@link CustomChangeWrapper}. Public only because Liquibase instantiates changes by reflection.
 */
@DatabaseChange(name = "customChange", description = "A change written in Java (as read by zdm's linter)",
		priority = ChangeMetaData.PRIORITY_DEFAULT + 1)
public class UnrunCustomChange extends CustomChangeWrapper {

	/** The Liquibase scope attribute under which custom changes are read without loading their class. */
	public static final String LINTING = "dev.zdm.lint.readingChangelog";

	private static volatile boolean registered;

	private String unloadedClass;

	/** Registers this change with Liquibase once per JVM; harmless outside the linter's scope. */
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
		if (Boolean.TRUE.equals(Scope.getCurrentScope().get(LINTING, Boolean.class))) {
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

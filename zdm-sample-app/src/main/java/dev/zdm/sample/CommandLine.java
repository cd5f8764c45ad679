package dev.zdm.sample;

/**
 * What {@code main} must know before Spring starts: whether a database is configured, the embedded
 * database's port, whether to start the database only. Read from {@code --name=value} arguments, system
 * properties and the environment, as Spring would.
 */
final class CommandLine {

	/** The embedded PostgreSQL's port when free (a random one otherwise), so that commands can name it. */
	static final int DEFAULT_PORT = 54329;

	private final String[] args;

	CommandLine(String[] args) {
		this.args = args;
	}

	boolean datasourceConfigured() {
		return value("spring.datasource.url") != null;
	}

	boolean flag(String name) {
		String value = value(name);
		return value != null && !value.equalsIgnoreCase("false");
	}

	int port() {
		String value = value("sample.postgres.port");
		try {
			return (value != null) ? Integer.parseInt(value.trim()) : DEFAULT_PORT;
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("sample.postgres.port must be a port number, not '" + value + "'");
		}
	}

	private String value(String name) {
		for (String arg : this.args) {
			if (arg.equals("--" + name)) {
				return "true";
			}
			if (arg.startsWith("--" + name + "=")) {
				return arg.substring(name.length() + 3);
			}
		}
		if (System.getProperty(name) != null) {
			return System.getProperty(name);
		}
		return System.getenv(name.toUpperCase().replace('.', '_').replace("-", ""));
	}

}

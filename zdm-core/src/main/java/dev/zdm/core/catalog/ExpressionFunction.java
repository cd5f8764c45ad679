package dev.zdm.core.catalog;

/**
 * A function an expression calls, directly or through an operator.
 *
 * @param signature the function as {@code regprocedure} prints it ({@code random()})
 * @param kind {@code pg_proc.prokind}: {@code f} function, {@code a} aggregate, {@code w} window function
 * @param returnsSet whether it returns a set of rows
 * @param volatility {@code pg_proc.provolatile}: {@code i} immutable, {@code s} stable, {@code v} volatile
 */
public record ExpressionFunction(String signature, char kind, boolean returnsSet, char volatility) {

	/** Whether it may give another value each time it is called with the same arguments. */
	public boolean isVolatile() {
		return this.volatility == 'v';
	}

}

package dev.zdm.spring.autoconfigure;

import dev.zdm.core.migration.ZdmSettings;

/**
 * Changes the {@link ZdmSettings} zdm's auto-configuration builds from the {@code zdm.*} properties, without
 * replacing them: a bean of this type is applied, in order, after the properties are bound. Use it for what
 * properties cannot express, such as a throttle signal of the application's:
 *
 * <pre class="code">
 * &#64;Bean
 * ZdmCustomizer maintenanceWindow(MaintenanceCalendar calendar) {
 *     return (settings) -&gt; settings.withBackfill(settings.backfill().withThrottle(settings.backfill().throttle()
 *         .withSignal(ThrottleSignal.of("maintenance", Throttle.Response.STOP, calendar::reason))));
 * }
 * </pre>
 *
 * Defining a {@code ZdmSettings} bean instead replaces the settings as a whole, and every {@code zdm.*}
 * property they are built from is then ignored.
 */
@FunctionalInterface
public interface ZdmCustomizer {

	/**
	 * Returns the settings to use instead of {@code settings} (which are immutable: use their
	 * {@code with...} methods).
	 */
	ZdmSettings customize(ZdmSettings settings);

}

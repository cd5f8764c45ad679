package dev.zdm.core.state;

import java.time.Instant;

/**
 * One entry of a migration's audit log.
 *
 * @param at when
 * @param action what was asked or happened ({@code start}, {@code advance}, {@code rollback}, {@code error})
 * @param fromPhase the phase before, or {@code null}
 * @param toPhase the phase after, or {@code null}
 * @param actor who asked (an instance id or a user)
 * @param detail more, or {@code null}
 */
public record MigrationEvent(Instant at, String action, String fromPhase, String toPhase, String actor, String detail) {
}

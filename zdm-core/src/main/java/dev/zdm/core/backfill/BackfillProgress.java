package dev.zdm.core.backfill;

/**
 * How far a migration's backfill has come.
 *
 * @param ranges ranges planned
 * @param rangesDone ranges finished
 * @param rowsDone rows written so far
 * @param rowsTotal the planner's estimate of the rows to visit
 */
public record BackfillProgress(int ranges, int rangesDone, long rowsDone, long rowsTotal) {
}

package dev.zdm.lint;

/**
 * A finding that a suppression allowed, kept so that reports can show what was allowed and why.
 *
 * @param finding the finding as it would have been reported
 * @param reason the reason the suppression gives
 * @param inSource whether the suppression is a {@code -- zdm:allow} comment (or a changeset comment) in the
 * migration, rather than an {@code allowUnsafe} entry of the lint options
 */
public record SuppressedFinding(Finding finding, String reason, boolean inSource) {
}

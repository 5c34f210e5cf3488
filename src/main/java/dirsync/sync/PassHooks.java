package dirsync.sync;

import dirsync.fs.RelPath;

/**
 * Seams in time for tests that race a pass against changes to the source: called on the pass thread at fixed
 * points of each directory's step, so that a test can change the source at exactly that moment.
 */
interface PassHooks {

    PassHooks NONE = new PassHooks() {
    };

    /** Before the directory is listed. */
    default void beforeListing(RelPath dir) {
    }

    /** After the directory's actions are planned, before any is carried out (and before any copy starts). */
    default void afterPlanning(RelPath dir) {
    }

    /** After the pass thread hashed a source file for a comparison, before the result is used. */
    default void afterHashingSource(RelPath file) {
    }
}

package dirsync.sync;

import dirsync.fs.Entry;

/**
 * A directory to walk: its source entry, its replica entry if one existed before the pass (null when the pass
 * has just created it, so its listing is empty without asking the replica), and the listings of its two sides
 * if they were started ahead of the walk (null otherwise: the step lists them).
 */
record Descent(Entry source, Entry replica, ListingPair sourceListing, ListingPair replicaListing) {

    /** A directory whose listings are yet to be started. */
    Descent(Entry source, Entry replica) {
        this(source, replica, null, null);
    }

    /** Whether the replica had no directory here before the pass. */
    boolean newInReplica() {
        return replica == null;
    }
}

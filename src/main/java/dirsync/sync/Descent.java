package dirsync.sync;

import dirsync.fs.Entry;

/**
 * A subdirectory to walk: its source entry, its replica entry if one existed before the pass (null when the pass
 * has just created it, so its listing is empty without asking the replica), and its replica listing if one was
 * started ahead of the walk (null otherwise).
 */
record Descent(Entry source, Entry replica, ListingPair replicaListing) {

    Descent(Entry source, Entry replica) {
        this(source, replica, null);
    }
}

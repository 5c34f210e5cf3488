package dirsync.sync;

import dirsync.fs.Entry;

/**
 * A directory to walk: its source entry, its replica entry if one existed before the pass (null when the pass
 * has just created it, so its listing is empty without asking the replica), its replica listing if one was
 * started ahead of the walk (null otherwise: the step starts it), and the identity of the directory the pass made
 * (null where it made none here).
 */
record Descent(Entry source, Entry replica, ListingPair replicaListing, Entry.Identity made) {

    /** A directory whose replica listing, if it has one, is yet to be started. */
    Descent(Entry source, Entry replica) {
        this(source, replica, null, null);
    }

    /** A directory this pass has just made in the replica, as {@code made}. */
    static Descent made(Entry source, Entry.Identity made) {
        return new Descent(source, null, null, made);
    }

    /** Whether the replica had no directory here before the pass. */
    boolean newInReplica() {
        return replica == null;
    }
}

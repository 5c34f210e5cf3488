package dirsync.sync;

import dirsync.fs.Entry;

/**
 * A subdirectory to walk: its source entry, and its replica entry if one existed before the pass (null when the
 * pass has just created it, so its listing is empty without asking the replica).
 */
record Descent(Entry source, Entry replica) {
}

package dirsync.fs;

/**
 * What a tree can hold and promise. The pass consults these instead of asking which kind of tree it has. (What a
 * replica tree can do besides the required changes is its {@link ReplicaFeatures}.)
 *
 * @param symlinks          symbolic links can be read and made
 * @param posixModes        permission bits can be read and set
 * @param atomicReplace     a rename replaces an existing name in one step
 * @param stableIdentity    entries carry an identity the verified-hash memory may trust: locally a device, inode
 *                          and change time that no one can set back; over SFTP, which has neither, the path
 *                          with the size and modification time the server reports (see the SFTP tree): the
 *                          verified-hash memory may trust a pair in the same state
 * @param durableWrites     a written file can be forced to stable storage before it takes its name
 */
public record Capabilities(boolean symlinks, boolean posixModes, boolean atomicReplace, boolean stableIdentity,
                           boolean durableWrites) {

    /** Nothing held or promised: what a tree that cannot be reached is taken to have. */
    public static final Capabilities NONE = new Capabilities(false, false, false, false, false);
}

package dirsync.sync;

import dirsync.testing.MemoryTree;

/**
 * Every behaviour of {@link SynchronizerTest} again, with the replica a {@link MemoryTree}: a tree that is no file
 * system at all, whose names are bytes. That the core does the same there shows it asks the replica only through
 * {@link dirsync.fs.ReplicaTree}. What only a tree in memory can stage (a lost connection, a full disk, byte names
 * laid out in the replica) is in {@link MemoryReplicaTest}.
 */
class SynchronizerOnMemoryTest extends SynchronizerTest {

    @Override
    ReplicaUnderTest replicaUnderTest() {
        return ReplicaUnderTest.inMemory();
    }

    @Override
    boolean replicaOnPlatform() {
        return false;
    }

    @Override
    boolean replicaKeepsByteNames() {
        return true;
    }

    /** No identities here (a memory tree keeps no inode or change time): each move is a copy. */
    @Override
    boolean replicaFindsMoves() {
        return false;
    }
}

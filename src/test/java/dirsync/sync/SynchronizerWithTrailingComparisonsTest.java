package dirsync.sync;

/**
 * Every behaviour of {@link SynchronizerTest} again, with the replica a {@link dirsync.testing.MemoryTree} that works
 * as a remote tree does: its comparisons still hashing trail behind the walk ({@link TrailingComparisons}), and its
 * hashes are asked ahead, answered on other threads, some with none. Deciding a pair when its directory is settled,
 * not when the walk comes to it, and by a hash the tree answered ahead, changes nothing of what a pass does.
 */
class SynchronizerWithTrailingComparisonsTest extends SynchronizerOnMemoryTest {

    @Override
    ReplicaUnderTest replicaUnderTest() {
        return ReplicaUnderTest.inMemory(memory -> memory.comparisonsTrailing().hashesAhead());
    }
}

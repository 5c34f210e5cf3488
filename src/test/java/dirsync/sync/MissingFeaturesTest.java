package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dirsync.fs.Cancellation;
import dirsync.fs.ForwardingReplicaTree;
import dirsync.fs.ReplicaFeatures;
import dirsync.fs.ReplicaTree;
import dirsync.testing.MemoryTree;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the replica lacks a feature, a pass does the plain thing, and what needs the feature is refused at once. */
class MissingFeaturesTest {

    private final MemoryTree source = MemoryTree.empty().file("a", "one").file("b", "two");
    private final MemoryTree memory = MemoryTree.empty().file("old", "to delete");

    /** The memory tree, less its backups. */
    private final ReplicaTree withoutBackups = new ForwardingReplicaTree() {
        @Override
        protected ReplicaTree delegate() {
            return memory;
        }

        @Override
        public ReplicaFeatures features() {
            ReplicaFeatures all = memory.features();
            return ReplicaFeatures.plain(all.tuning()).withConnection(all.connection().orElseThrow());
        }
    };

    @Test
    void backupsAskedOfAReplicaThatKeepsNoneAreRefusedBeforeAnyPassAndNothingIsTouched() {
        Map<String, String> before = memory.snapshot();
        SyncOptions options = SyncOptions.defaults().withBackupDir(Path.of("/backups"));

        assertThatThrownBy(() -> new Synchronizer(source, withoutBackups, options))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keeps none");
        assertThat(memory.snapshot()).isEqualTo(before);
    }

    @Test
    void aReplicaThatKeepsNoBackupsIsMirroredWhenNoneAreAsked() {
        PassSummary summary = new Synchronizer(source, withoutBackups, SyncOptions.defaults())
                .runPass(Cancellation.NEVER);

        assertThat(summary.errors()).isZero();
        assertThat(memory.snapshot()).isEqualTo(source.snapshot());
    }
}

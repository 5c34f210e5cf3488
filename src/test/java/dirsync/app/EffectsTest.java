package dirsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.ReplicaTree;
import dirsync.fs.dryrun.DryRunReplica;
import dirsync.fs.local.LocalTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EffectsTest {

    @TempDir
    Path temp;
    private Path status;
    private Settings.Request request;
    private ReplicaTree replica;

    @BeforeEach
    void layOut() throws IOException {
        Path source = Files.createDirectories(temp.resolve("source"));
        status = temp.resolve("dirsync.prom");
        request = new Settings.Request(source.toString(), temp.resolve("replica").toString(), Duration.ofSeconds(60),
                temp.resolve("dirsync.log")).statusFile(status);
        replica = LocalTree.at(temp.resolve("replica"));
    }

    private Effects effects() throws InvalidSettingsException {
        return Effects.of(Settings.validate(request, new Surroundings(temp.resolve("state"), Duration.ofSeconds(10),
                false)));
    }

    @Test
    void aRealRunChangesTheReplicaTakesItsLocksWritesTheStatusFileAndLeavesItsState() throws Exception {
        Effects effects = effects();

        assertThat(effects.replica(replica)).isSameAs(replica);
        assertThat(effects.takesLocks()).isTrue();
        assertThat(effects.statusFile()).contains(status);
        assertThat(effects.leavesState()).isTrue();
        assertThat(effects.startText()).isEmpty();
    }

    @Test
    void aDryRunPretendsEachChangeTakesNoLockWritesNoStatusFileAndLeavesNoState() throws Exception {
        request.dryRun(true);
        Effects effects = effects();

        assertThat(effects.replica(replica)).isInstanceOf(DryRunReplica.class);
        assertThat(effects.takesLocks()).isFalse();
        assertThat(effects.statusFile()).isEmpty();
        assertThat(effects.leavesState()).isFalse();
        assertThat(effects.startText()).isEqualTo(", dry run");
    }
}

package dirsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.local.LocalTree;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnceRunnerTest {

    @TempDir
    Path source;

    private int exitCodeAfter(boolean completed, long errors) {
        return new OnceRunner(LocalTree.at(source)).run(ScriptedPasses.reporting(ScriptedPasses.summary(completed,
                errors)), new StopSignal());
    }

    @Test
    void aPassThatEndsWithoutErrorsExitsZero() {
        assertThat(exitCodeAfter(true, 0)).isEqualTo(ExitCode.OK);
    }

    @Test
    void aPassWithAFailedEntryExitsOne() {
        assertThat(exitCodeAfter(true, 1)).isEqualTo(ExitCode.ENTRIES_FAILED);
    }

    @Test
    void aPassThatDidNotEndExitsOne() {
        assertThat(exitCodeAfter(false, 0)).isEqualTo(ExitCode.ENTRIES_FAILED);
    }
}

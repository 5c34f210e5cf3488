package dirsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.local.LocalTree;
import dirsync.testing.LogCapture;
import dirsync.watch.SourceWatcher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** With real inotify over an empty source; the test ends when a pass raises the stop signal. */
@Timeout(60)
class WatchRunnerTest {

    @TempDir
    Path source;

    @Test
    void aPassThatThrowsIsLoggedOnceAndTheWatchRunsTheNext() throws Exception {
        StopSignal stop = new StopSignal();
        AtomicInteger calls = new AtomicInteger();
        Runnable pass = () -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("a bug in the first pass");
            }
            stop.raise();
        };

        try (LogCapture log = new LogCapture();
             WatchRunner runner = new WatchRunner(SourceWatcher.over(LocalTree.at(source), Duration.ofMillis(10),
                     Duration.ofMillis(100)))) {
            assertThat(runner.run(ScriptedPasses.full(pass), stop)).isEqualTo(ExitCode.OK);

            assertThat(calls.get()).as("a second full pass ran after the first threw").isGreaterThanOrEqualTo(2);
            assertThat(log.errors()).containsExactly("pass failed unexpectedly, the next one follows as planned: "
                    + "java.lang.IllegalStateException: a bug in the first pass");
        }
    }
}

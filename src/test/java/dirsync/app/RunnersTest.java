package dirsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.local.LocalTree;
import dirsync.testing.LogCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunnersTest {

    @TempDir
    Path temp;
    private Path source;
    private Settings.Request request;

    @BeforeEach
    void layOut() throws IOException {
        source = Files.createDirectories(temp.resolve("source"));
        request = new Settings.Request(source.toString(), temp.resolve("replica").toString(), Duration.ofSeconds(60),
                temp.resolve("dirsync.log"));
    }

    private Runner chosen() throws InvalidSettingsException {
        return Runners.choose(settings(), LocalTree.at(source));
    }

    private Settings settings() throws InvalidSettingsException {
        return Settings.validate(request, new Surroundings(temp.resolve("state"), Duration.ofSeconds(10), false));
    }

    @Test
    void onceRunsOnePass() throws Exception {
        request.once(true);

        try (Runner runner = chosen()) {
            assertThat(runner).isInstanceOf(OnceRunner.class);
            assertThat(runner.startText()).isEqualTo(", one pass");
        }
    }

    @Test
    void watchWatchesTheSource() throws Exception {
        request.watch(true, Duration.ofMillis(200));

        try (Runner runner = chosen()) {
            assertThat(runner).isInstanceOf(WatchRunner.class);
            assertThat(runner.startText()).isEqualTo(", watching (delay 0.2 s)");
            assertThat(runner.figures()).isPresent();
        }
    }

    @Test
    void withNeitherPassesRunEveryInterval() throws Exception {
        try (Runner runner = chosen()) {
            assertThat(runner).isInstanceOf(PeriodicRunner.class);
            assertThat(runner.startText()).isEmpty();
            assertThat(runner.figures()).isEmpty();
        }
    }

    @Test
    void aWatchThatCannotStartIsSaidOnceAndPassesRunEveryInterval() throws Exception {
        request.watch(true, Duration.ofSeconds(1));

        try (LogCapture log = new LogCapture();
             Runner runner = Runners.choose(settings(), LocalTree.at(source), (tree, interval, delay) -> {
                 throw new IOException("User limit of inotify instances reached or too many open files");
             })) {
            assertThat(runner).isInstanceOf(PeriodicRunner.class);
            assertThat(log.messages()).containsExactly("cannot watch source '" + source.toRealPath() + "' (User limit "
                    + "of inotify instances reached or too many open files): going on without watching, with a full "
                    + "pass every 60 s (fs.inotify.max_user_instances limits the watchers per user)");
        }
    }
}

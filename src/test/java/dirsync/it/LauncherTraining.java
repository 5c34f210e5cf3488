package dirsync.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * The training run {@code bin/dirsync} starts in the background on JDK 25 and later when its cache directory holds
 * no AOT cache yet: it works in {@code CACHE.PID.training} of that directory, made before the launcher starts the
 * user's JVM and removed when the training ends. A test that ran the launcher with a cache directory waits for
 * that end before it reads the directory, starts the next run, or has its temporary directory removed.
 */
final class LauncherTraining {

    /** Bounds a hang on a loaded machine (the training runs at nice 19); it measures nothing. */
    static final Duration TIMEOUT = Duration.ofMinutes(5);

    private LauncherTraining() {
    }

    /** Waits until no training is under way in {@code cache} (a directory that may not exist). */
    static void awaitEnd(Path cache) {
        JarRuns.await(TIMEOUT, "the launcher's training run in " + cache + " to end",
                () -> inProgress(cache).isEmpty(), () -> "under way: " + inProgress(cache));
    }

    /** The training directories in {@code cache}. */
    static List<String> inProgress(Path cache) {
        try (Stream<Path> list = Files.list(cache)) {
            return list.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(".training"))
                    .sorted().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

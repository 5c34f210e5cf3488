package dirsync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The rules of ARCHITECTURE.md that a reading of the sources can check. */
class ArchitectureTest {

    private static final Path MAIN = Path.of("src/main/java/dirsync");

    @Test
    void theSyncCoreAndTheSeamNeverImportTheApplicationOrTheCommandLine() {
        assertThat(importsIn("sync", "fs")).noneMatch(line -> line.contains("import dirsync.app")
                || line.contains("import dirsync.cli"));
    }

    @Test
    void theSyncCoreAndTheSeamKnowNothingOfWatchingAndTheWatchNothingOfTheApplication() {
        assertThat(importsIn("sync", "fs")).noneMatch(line -> line.contains("import dirsync.watch"));
        assertThat(importsIn("watch")).noneMatch(line -> line.contains("import dirsync.app")
                || line.contains("import dirsync.cli"));
    }

    @Test
    void theSeamKnowsNoImplementationOfItself() {
        assertThat(importsIn("fs")).noneMatch(line -> line.contains("import dirsync.fs.local")
                || line.contains("import dirsync.fs.dryrun") || line.contains("import dirsync.sync"));
    }

    @Test
    void theSyncCoreTouchesNoFileSystemItself() {
        assertThat(importsIn("sync")).noneMatch(line -> line.contains("import java.nio.file.Files;")
                || line.contains("import java.io.File;") || line.contains("import dirsync.fs.local")
                || line.contains("import dirsync.fs.dryrun"));
    }

    @Test
    void noClassInMainIsOver300Lines() {
        Map<String, Integer> tooLong = new TreeMap<>();
        for (Path file : javaFiles(MAIN)) {
            int lines = read(file).size();
            if (lines > 300) {
                tooLong.put(MAIN.relativize(file).toString(), lines);
            }
        }
        assertThat(tooLong).isEmpty();
    }

    /**
     * The values of the seam are immutable: every instance field of every class and record directly in
     * {@code dirsync.fs} (nested ones included; interfaces hold no instance fields) is final, and none is a bare
     * {@code Object}, a slot for some tree's own form of the value. A tree caches its provider's forms itself.
     * Two classes of the package are not values and are left out: {@code Md5}, one thread's digest with its
     * buffer (made on first use), and {@code Progress}, a pass's live counters, written as the pass goes.
     */
    @Test
    void theValuesOfTheSeamHaveOnlyFinalFieldsAndNoSlotForATreesOwnForm() throws ClassNotFoundException {
        Set<String> notValues = Set.of("dirsync.fs.Md5", "dirsync.fs.Progress");
        List<String> mutable = new ArrayList<>();
        List<String> slots = new ArrayList<>();
        for (Class<?> type : classesDirectlyIn("fs")) {
            if (type.isInterface() || notValues.contains(type.getName())) {
                continue;
            }
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) || field.isSynthetic()) {
                    continue;
                }
                String name = type.getName() + "." + field.getName();
                if (!Modifier.isFinal(field.getModifiers())) {
                    mutable.add(name);
                }
                if (field.getType() == Object.class) {
                    slots.add(name);
                }
            }
        }
        assertThat(mutable).as("instance fields that are not final").isEmpty();
        assertThat(slots).as("instance fields typed Object").isEmpty();
    }

    /** The classes of the source files directly in a package (not its subpackages), and the classes they nest. */
    private static List<Class<?>> classesDirectlyIn(String pkg) throws ClassNotFoundException {
        List<Class<?>> classes = new ArrayList<>();
        Deque<Class<?>> toVisit = new ArrayDeque<>();
        for (Path file : javaFiles(MAIN.resolve(pkg))) {
            if (file.getParent().equals(MAIN.resolve(pkg))) {
                String simpleName = file.getFileName().toString().replace(".java", "");
                toVisit.add(Class.forName("dirsync." + pkg + "." + simpleName));
            }
        }
        while (!toVisit.isEmpty()) {
            Class<?> type = toVisit.pop();
            classes.add(type);
            toVisit.addAll(List.of(type.getDeclaredClasses()));
        }
        return classes;
    }

    /** The import lines of every source file in the given packages (their subpackages included). */
    private static List<String> importsIn(String... packages) {
        return Stream.of(packages).flatMap(name -> javaFiles(MAIN.resolve(name)).stream())
                .flatMap(file -> read(file).stream().filter(line -> line.startsWith("import ")))
                .toList();
    }

    private static List<Path> javaFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> found = files.filter(file -> file.toString().endsWith(".java")).sorted().toList();
            assertThat(found).as("sources under %s", dir).isNotEmpty();
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

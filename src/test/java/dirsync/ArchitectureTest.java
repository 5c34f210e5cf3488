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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The rules of ARCHITECTURE.md that a reading of the sources can check. */
class ArchitectureTest {

    private static final Path MAIN = Path.of("src/main/java/dirsync");

    /** {@code instanceof} and the type after it, with its {@code Action.} (or {@code sync.Action.}) qualifier. */
    private static final Pattern INSTANCEOF = Pattern.compile(
            "\\binstanceof\\s+(?:final\\s+)?((?:dirsync\\.)?(?:sync\\.)?Action\\.)?(\\w+)");

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

    /** The object-store tree (issue 23) is a replica implementation like the others: it may use the seam only. */
    @Test
    void theObjectStoreTreeUsesTheSeamOnly() {
        assertThat(importsIn("fs/s3")).filteredOn(line -> line.startsWith("import dirsync."))
                .allMatch(line -> line.matches("import dirsync\\.fs\\.[A-Z]\\w*;"));
        assertThat(importsIn("sync", "watch", "fs/local", "fs/sftp", "fs/dryrun"))
                .noneMatch(line -> line.contains("import dirsync.fs.s3"));
    }

    /**
     * The SDK is not on the application's class path: only {@code dirsync.fs.s3}, loaded with it by a loader of its
     * own ({@code app.ObjectStoreLoader}), may name its types, and the application reaches that package only through
     * the seam's {@code ObjectStore}.
     */
    @Test
    void onlyTheObjectStoreTreeNamesTheSdkAndTheApplicationReachesItThroughTheSeam() {
        assertThat(importsIn("app", "cli", "sync", "watch", "fs/local", "fs/sftp", "fs/dryrun"))
                .noneMatch(line -> line.contains("software.amazon") || line.contains("import dirsync.fs.s3"));
    }

    @Test
    void theSyncCoreTouchesNoFileSystemItself() {
        assertThat(importsIn("sync")).noneMatch(line -> line.contains("import java.nio.file.Files;")
                || line.contains("import java.io.File;") || line.contains("import dirsync.fs.local")
                || line.contains("import dirsync.fs.dryrun"));
    }

    /**
     * Exit codes are chosen in {@code dirsync.app} only: outside it no source names a constant of {@code ExitCode}
     * (dirsync's or picocli's), and the command line returns no number of its own from picocli's call() or
     * handlers, nor exits with one.
     */
    @Test
    void exitCodesAreChosenInTheApplicationOnly() {
        Pattern namesAnExitCode = Pattern.compile("\\bExitCode\\s*\\.\\s*[A-Z_]+\\b"
                + "|import\\s+static\\s+\\S*\\bExitCode\\b");
        Pattern aNumberAsExitCode = Pattern.compile("\\breturn\\s+[-(]*\\d|System\\.exit\\(\\s*[-(]*\\d");
        List<String> offenders = new ArrayList<>();
        for (Path file : javaFiles(MAIN)) {
            if (file.startsWith(MAIN.resolve("app"))) {
                continue;
            }
            boolean commandLine = file.startsWith(MAIN.resolve("cli"));
            List<String> lines = read(file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (namesAnExitCode.matcher(line).find()
                        || commandLine && aNumberAsExitCode.matcher(line).find()) {
                    offenders.add(MAIN.relativize(file) + ":" + (i + 1) + ": " + line.trim());
                }
            }
        }
        assertThat(offenders).isEmpty();
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

    /** "ERROR error: ..." says it twice: a log line's level is its first word. */
    @Test
    void noTextInMainStartsWithTheLevelItIsLoggedAt() {
        Pattern levelAgain = Pattern.compile("\"(error|warning): ");
        List<String> offenders = new java.util.ArrayList<>();
        for (Path file : javaFiles(MAIN)) {
            for (String line : read(file)) {
                if (levelAgain.matcher(line).find()) {
                    offenders.add(MAIN.relativize(file) + ": " + line.strip());
                }
            }
        }
        assertThat(offenders).isEmpty();
    }

    @Test
    void theDryRunIsDecidedOnceWhereTheSettingsBecomeARunsEffects() {
        Map<String, Long> asking = new TreeMap<>();
        for (Path file : javaFiles(MAIN)) {
            String name = MAIN.relativize(file).toString();
            long count = read(file).stream().filter(line -> line.contains(".dryRun()")).count();
            if (count > 0 && !name.equals("app/Effects.java")) {
                asking.put(name, count);
            }
        }
        assertThat(asking).as("classes that ask the settings for --dry-run instead of the run's Effects").isEmpty();
    }

    @Test
    void noCodeOutsideActionAsksWhichKindOfActionItHasByInstanceof() {
        Path action = MAIN.resolve("sync/Action.java");
        List<String> kinds = kindsOfAction(read(action));
        assertThat(kinds).as("the kinds declared in Action.java").contains("Action", "CompareContent", "Delete");
        Map<String, String> asked = new TreeMap<>();
        for (Path file : javaFiles(MAIN)) {
            if (file.equals(action)) {
                continue;
            }
            List<String> lines = read(file);
            boolean importsKinds = lines.stream().anyMatch(line -> line.startsWith("import dirsync.sync.Action."));
            for (int i = 0; i < lines.size(); i++) {
                Matcher test = INSTANCEOF.matcher(lines.get(i));
                while (test.find()) {
                    boolean qualified = test.group(1) != null;
                    String kind = test.group(2);
                    if (kinds.contains(kind) && (qualified || kind.equals("Action") || importsKinds)) {
                        asked.put(MAIN.relativize(file) + ":" + (i + 1), lines.get(i).strip());
                    }
                }
            }
        }
        assertThat(asked).as("instanceof on an Action: use Action.Visitor or a method each kind declares")
                .isEmpty();
    }

    /** Action itself and every type declared in Action.java (its records and sealed interfaces). */
    private static List<String> kindsOfAction(List<String> source) {
        Pattern declaration = Pattern.compile("\\b(?:record|interface)\\s+(\\w+)");
        return source.stream().map(declaration::matcher).filter(Matcher::find).map(found -> found.group(1)).toList();
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

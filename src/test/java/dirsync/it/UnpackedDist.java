package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The distribution archive {@code target/dirsync-VERSION.tar.gz}, unpacked with tar as an admin would. */
record UnpackedDist(String version, Path home) {

    static final Pattern ARCHIVE_NAME = Pattern.compile("dirsync-(.+)\\.tar\\.gz");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Unpacks the archive into {@code root/dist}; {@code home} is its one top-level {@code dirsync-VERSION}. */
    static UnpackedDist unpack(Path root) throws IOException {
        Path archive = archive();
        Matcher name = ARCHIVE_NAME.matcher(archive.getFileName().toString());
        assertThat(name.matches()).as("archive name %s", archive).isTrue();
        String version = name.group(1);
        Path into = Files.createDirectories(root.resolve("dist"));
        try (JarRuns tar = new JarRuns(root.resolve("tar-output"))) {
            JarRuns.Finished run = tar.run("tar", TIMEOUT, List.of("tar", "-xzf", archive.toString(), "-C", into.toString()));
            assertThat(run.exitCode()).as(run.describe()).isZero();
        }
        try (Stream<Path> top = Files.list(into)) {
            assertThat(top.map(path -> path.getFileName().toString()).toList())
                    .as("the archive's top level").containsExactly("dirsync-" + version);
        }
        return new UnpackedDist(version, into.resolve("dirsync-" + version).toRealPath());
    }

    /** The archive Failsafe names in {@code dirsync.dist}; else the one {@code target/dirsync-*.tar.gz}. */
    static Path archive() throws IOException {
        String property = System.getProperty("dirsync.dist");
        Path archive;
        if (property != null) {
            archive = Path.of(property).toAbsolutePath();
        } else {
            try (Stream<Path> found = Files.list(Path.of("target"))) {
                List<Path> archives = found
                        .filter(path -> ARCHIVE_NAME.matcher(path.getFileName().toString()).matches()).toList();
                assertThat(archives).as("archives in target/: run 'mvn package' first").hasSize(1);
                archive = archives.get(0).toAbsolutePath();
            }
        }
        assertThat(archive).as("the distribution archive: run 'mvn package' first").isRegularFile();
        return archive;
    }

    /** {@code bin/dirsync} of this install. */
    Path launcher() {
        return home.resolve("bin/dirsync");
    }

    /** The home of the Java the tests use ({@code dirsync.java}, if set; else this JVM's). */
    static Path javaHome() {
        Path java = Path.of(DirsyncJar.java());
        Path bin = java.getParent();
        if (java.isAbsolute() && bin != null && bin.getFileName().toString().equals("bin")) {
            return bin.getParent();
        }
        return Path.of(System.getProperty("java.home"));
    }
}

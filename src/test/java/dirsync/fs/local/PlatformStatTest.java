package dirsync.fs.local;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Entry;
import dirsync.fs.Listing;
import dirsync.fs.Name;
import dirsync.fs.RelPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The platform's attributes read straight from the JDK's object ({@link PlatformStat}) must be exactly what the
 * {@code unix:} view's map says of the same lstat, for every kind of entry.
 */
class PlatformStatTest {

    @TempDir
    Path temp;

    @Test
    void theJvmOfTheTestsLetsThePlatformObjectBeReadAsTheJarsManifestDoes() {
        assertThat(PlatformStat.available()).isTrue();
    }

    @Test
    void everyKindOfEntryIsReadAsTheUnixViewsMapReadsIt() throws IOException, InterruptedException {
        Path file = Files.writeString(temp.resolve("file"), "content");
        Files.setAttribute(file, "unix:mode", 06751, LinkOption.NOFOLLOW_LINKS);
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_600_000_000_123L));
        Files.createLink(temp.resolve("second name"), file);
        Files.createDirectory(temp.resolve("dir"));
        Files.setAttribute(temp.resolve("dir"), "unix:mode", 01777, LinkOption.NOFOLLOW_LINKS);
        Files.createSymbolicLink(temp.resolve("link"), Path.of("nowhere/at all"));
        Files.createFile(temp.resolve("empty"));
        Process mkfifo = new ProcessBuilder("mkfifo", temp.resolve("fifo").toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();
        LocalPaths paths = new LocalPaths(temp);
        EntryReader direct = new EntryReader(paths, true, true);
        EntryReader viaMap = new EntryReader(paths, true, false);

        Listing listed = direct.list(RelPath.ROOT);

        assertThat(listed.entries()).extracting(entry -> entry.name().text())
                .containsExactly("dir", "empty", "fifo", "file", "link", "second name");
        assertThat(listed).isEqualTo(viaMap.list(RelPath.ROOT));
        assertThat(listed.entries()).allSatisfy(entry -> assertThat(entry.identity().known()).isTrue());
        assertThat(listed.entries().get(3).identity().links()).isEqualTo(2);
        assertThat(listed.entries().get(3).owner().specialBits()).isEqualTo(06000);
        Entry root = direct.examine(temp, Name.ROOT);
        assertThat(root).isEqualTo(viaMap.examine(temp, Name.ROOT));
    }

    @Test
    void aFileIsUnchangedByBothWaysAlikeUntilAnotherFileTakesItsName() throws IOException {
        Path file = Files.writeString(temp.resolve("f"), "content");
        LocalPaths paths = new LocalPaths(temp);
        EntryReader direct = new EntryReader(paths, true, true);
        EntryReader viaMap = new EntryReader(paths, true, false);
        Entry listed = direct.examine(file, Name.of("f"));
        assertThat(direct.unchanged(file, listed)).isTrue();
        assertThat(viaMap.unchanged(file, listed)).isTrue();

        Path other = Files.writeString(temp.resolve("g"), "content");
        Files.setLastModifiedTime(other, listed.modified());
        Files.move(other, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThat(direct.unchanged(file, listed)).as("same size and time, another inode").isFalse();
        assertThat(viaMap.unchanged(file, listed)).isFalse();
        Entry now = viaMap.examine(file, Name.of("f"));
        assertThat(direct.unchanged(file, now)).isTrue();
    }
}

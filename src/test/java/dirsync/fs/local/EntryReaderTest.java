package dirsync.fs.local;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.RelPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One attribute read per entry: what it yields must be what the JDK's own readers say of the same file. */
class EntryReaderTest {

    @TempDir
    Path temp;

    @Test
    void everyCombinationOfThePermissionBitsIsReadAsTheJdkReadsIt() throws IOException {
        Files.writeString(temp.resolve("f"), "content");
        LocalTree tree = LocalTree.at(temp);
        for (int mode = 0; mode < 01000; mode++) {
            Files.setAttribute(temp.resolve("f"), "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
            Set<PosixFilePermission> expected = Files.getPosixFilePermissions(temp.resolve("f"),
                    LinkOption.NOFOLLOW_LINKS);

            Entry entry = tree.examine(RelPath.of("f"));

            assertThat(entry.permissions()).as("mode %o", mode).isEqualTo(expected);
        }
    }

    @Test
    void aFileIsReadWithItsSizeTimeIdentityAndOwner() throws IOException {
        Files.writeString(temp.resolve("f"), "content");
        Files.setAttribute(temp.resolve("f"), "unix:mode", 04750, LinkOption.NOFOLLOW_LINKS);
        Map<String, Object> unix = Files.readAttributes(temp.resolve("f"), "unix:*", LinkOption.NOFOLLOW_LINKS);

        Entry entry = LocalTree.at(temp).examine(RelPath.of("f"));

        assertThat(entry.kind()).isEqualTo(EntryKind.FILE);
        assertThat(entry.size()).isEqualTo(7);
        assertThat(entry.modified()).isEqualTo(unix.get("lastModifiedTime"));
        assertThat(entry.identity()).isEqualTo(new Entry.Identity((Long) unix.get("dev"), (Long) unix.get("ino"),
                (java.nio.file.attribute.FileTime) unix.get("ctime"), 1));
        assertThat(entry.owner()).isEqualTo(new Entry.Owner((Integer) unix.get("uid"), (Integer) unix.get("gid"),
                Entry.Owner.SETUID));
        assertThat(entry.permissions()).isEqualTo(unix.get("permissions"));
    }

    @Test
    void aFileIsUnchangedUntilItsContentModeOrNameChangesEvenWithItsSizeAndTimeKept() throws IOException {
        Path file = temp.resolve("f");
        Files.writeString(file, "content");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(1_600_000_000_000L));
        LocalTree tree = LocalTree.at(temp);
        RelPath f = RelPath.of("f");
        Entry listed = tree.examine(f);
        pauseForTheClock();

        assertThat(tree.unchanged(f, listed)).as("untouched").isTrue();
        Files.writeString(file, "CONTENT");
        Files.setLastModifiedTime(file, listed.modified());
        assertThat(tree.unchanged(f, listed)).as("rewritten, same size and time").isFalse();

        listed = tree.examine(f);
        pauseForTheClock();
        Files.setAttribute(file, "unix:mode", 0600, LinkOption.NOFOLLOW_LINKS);
        assertThat(tree.unchanged(f, listed)).as("chmod").isFalse();

        listed = tree.examine(f);
        Files.writeString(temp.resolve("g"), "content");
        Files.setLastModifiedTime(temp.resolve("g"), listed.modified());
        Files.move(temp.resolve("g"), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(tree.unchanged(f, listed)).as("replaced by another file").isFalse();
    }

    /** Lets the file system's coarse clock move on, so that a change gets a change time of its own. */
    private static void pauseForTheClock() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

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
}

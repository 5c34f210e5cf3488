package dirsync.fs.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dirsync.fs.Cancellation;
import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.LinkTarget;
import dirsync.fs.Listing;
import dirsync.fs.Md5;
import dirsync.fs.Name;
import dirsync.fs.Progress;
import dirsync.fs.RelPath;
import dirsync.fs.ReplicaTree;
import dirsync.fs.SourceChangedException;
import dirsync.fs.TreeDeletion;
import dirsync.fs.Work;
import dirsync.fs.local.LocalTree;
import dirsync.testing.EmbeddedSftpServer;
import dirsync.testing.SourceWrittenWhileRead;
import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One behaviour of {@link SftpTree} each, on real files behind an SFTP v3 server in this process. */
class SftpTreeTest {

    @RegisterExtension
    static final EmbeddedSftpServer SERVER = new EmbeddedSftpServer();

    private static final Instant LAST_YEAR = Instant.parse("2025-03-04T05:06:07.123456789Z");
    private static final FileTime LAST_YEAR_TO_THE_SECOND = FileTime.from(Instant.parse("2025-03-04T05:06:07Z"));

    @TempDir
    Path temp;

    Trees.Builder src;
    Trees.Builder rep;
    Path replica;
    LocalTree source;
    SftpTree tree;

    @BeforeEach
    void connect() throws IOException {
        src = Trees.at(temp.resolve("source"));
        rep = Trees.at(temp.resolve("replica"));
        replica = rep.root();
        source = LocalTree.at(src.root());
        tree = SftpTree.over(SERVER.newClient(), replica.toString(), "sftp://test" + replica);
    }

    private static Work work() {
        return new Work(Cancellation.NEVER, new Md5(), new Progress());
    }

    private long install(String path) throws IOException {
        return install(path, null);
    }

    private long install(String path, byte[] md5) throws IOException {
        RelPath rel = RelPath.of(path);
        return tree.installFile(source, rel, source.examine(rel), md5, work()).bytes();
    }

    private List<String> names() throws IOException {
        try (Stream<Path> entries = Files.list(replica)) {
            return entries.map(entry -> entry.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void listsEachEntryWithTheAttributesOfItsDirectoryReadingInByteOrder() throws IOException {
        rep.file("file", "abc").mode("file", "rw-r-----").mtime("file", LAST_YEAR).dir("dir").mode("dir", "rwx--x---")
                .link("link", "file").file("\uFFFD", "sorts before the emoji").file("\uD83D\uDE00", "e");

        Listing listing = tree.list(RelPath.ROOT);

        assertThat(listing.problems()).isEmpty();
        assertThat(listing.entries()).extracting(entry -> entry.name().text())
                .containsExactly("dir", "file", "link", "\uFFFD", "\uD83D\uDE00");
        Entry file = listing.entries().get(1);
        assertThat(file.kind()).isEqualTo(EntryKind.FILE);
        assertThat(file.size()).isEqualTo(3);
        assertThat(file.modified()).isEqualTo(LAST_YEAR_TO_THE_SECOND);
        assertThat(file.permissions()).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
        assertThat(file.identity()).as("the tree, the path and the time stand for device, inode and change time")
                .isEqualTo(tree.examine(RelPath.of("file")).identity());
        assertThat(file.identity().changed()).isEqualTo(LAST_YEAR_TO_THE_SECOND);
        assertThat(file.identity().inode()).isNotEqualTo(tree.examine(RelPath.of("\uFFFD")).identity().inode());
        assertThat(listing.entries().get(0).permissions()).isEqualTo(PosixFilePermissions.fromString("rwx--x---"));
        assertThat(listing.entries().get(2).linkTarget()).isEqualTo(LinkTarget.of("file"));
    }

    /** MINA's server lists a FIFO as a regular file (READDIR) but gives no type in an LSTAT; OpenSSH gives S_IFIFO. */
    @Test
    void examinesAnEntryOfNoKnownTypeAsASpecialFile() throws IOException {
        rep.fifo("pipe");

        assertThat(tree.examine(RelPath.of("pipe")).kind()).isEqualTo(EntryKind.SPECIAL);
    }

    @Test
    void examinesALinkItselfNeverItsTarget() throws IOException {
        rep.dir("real").link("to-dir", "real");

        Entry link = tree.examine(RelPath.of("to-dir"));

        assertThat(link.kind()).isEqualTo(EntryKind.SYMLINK);
        assertThat(link.linkTarget()).isEqualTo(LinkTarget.of("real"));
    }

    @Test
    void aMissingPathIsNoSuchFileException() {
        assertThatThrownBy(() -> tree.examine(RelPath.of("nowhere"))).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(replica.resolve("nowhere").toString());
        assertThatThrownBy(() -> tree.list(RelPath.of("nowhere"))).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> tree.delete(RelPath.of("nowhere"))).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void installsANewFileWithItsContentModeAndTimeToTheSecond() throws IOException {
        src.file("a", "new content").mode("a", "rwxr-x---").mtime("a", LAST_YEAR);

        long copied = install("a");

        assertThat(copied).isEqualTo(11);
        assertThat(replica.resolve("a")).hasContent("new content");
        assertThat(Files.getPosixFilePermissions(replica.resolve("a"))).isEqualTo(
                PosixFilePermissions.fromString("rwxr-x---"));
        assertThat(Files.getLastModifiedTime(replica.resolve("a"))).isEqualTo(LAST_YEAR_TO_THE_SECOND);
        assertThat(names()).containsExactly("a");
    }

    @Test
    void installsALargeFileWrittenWithManyRequestsInFlight() throws IOException {
        byte[] content = new byte[5 * PipelinedWrite.CHUNK * PipelinedWrite.IN_FLIGHT / 2 + 12345];
        new java.util.Random(7).nextBytes(content);
        src.file("big", content);

        long copied = install("big", Md5Of.bytes(content));

        assertThat(copied).isEqualTo(content.length);
        assertThat(Files.readAllBytes(replica.resolve("big"))).isEqualTo(content);
    }

    @Test
    void replacesAnExistingFileByRenameNeverWritingIntoIt() throws IOException {
        rep.file("a", "old").hardLink("second-name-of-old", "a");
        src.file("a", "the new version");

        install("a");

        assertThat(replica.resolve("a")).hasContent("the new version");
        assertThat(replica.resolve("second-name-of-old")).hasContent("old");
        assertThat(names()).containsExactly("a", "second-name-of-old");
    }

    @Test
    void replacesALinkWithAFileWithoutWritingThroughIt() throws IOException {
        Path outside = Trees.at(temp.resolve("outside")).file("precious", "keep").root();
        rep.link("a", outside.resolve("precious").toString());
        src.file("a", "file content");

        install("a");

        assertThat(replica.resolve("a")).isRegularFile().hasContent("file content");
        assertThat(outside.resolve("precious")).hasContent("keep");
    }

    @Test
    void aCopyThatDoesNotMatchTheSourcesMd5IsNotInstalledAndLeavesNoTemporaryFile() throws IOException {
        rep.file("a", "old");
        src.file("a", "new");

        assertThatThrownBy(() -> install("a", new byte[16])).isInstanceOf(SourceChangedException.class);

        assertThat(replica.resolve("a")).hasContent("old");
        assertThat(names()).containsExactly("a");
    }

    /**
     * Each request of a copy's train refused in turn (a write by a full disk; the fsync, FSETSTAT and CLOSE answered
     * PERMISSION_DENIED after the server carried out the requests before them): nothing is renamed, the old file
     * keeps its content, and the temporary file is gone.
     */
    @ParameterizedTest
    @ValueSource(strings = {"write", "setstat", "fsync", "close", "rename"})
    void aCopyWhoseRequestIsRefusedAtAnyStepLeavesTheOldFileAndNoTemporaryFile(String refused) throws IOException {
        byte[] content = new byte[PipelinedWrite.CHUNK * (PipelinedWrite.IN_FLIGHT + 2) + 99];
        java.util.Arrays.fill(content, (byte) 'x');
        rep.file("a", "old");
        src.file("a", content).file("b", "new file");
        if (refused.equals("write")) {
            SERVER.fillDisk(true);
        } else {
            SERVER.refuse(refused);
        }

        assertThatThrownBy(() -> install("a")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> install("b")).isInstanceOf(IOException.class);

        assertThat(replica.resolve("a")).hasContent("old");
        assertThat(names()).containsExactly("a");
    }

    @Test
    void aSourceThatChangedSinceItWasListedIsNotCopied() throws IOException {
        src.file("a", "listed");
        Entry listed = source.examine(RelPath.of("a"));
        src.file("a", "changed since");

        assertThatThrownBy(() -> tree.installFile(source, RelPath.of("a"), listed, null, work()))
                .isInstanceOf(SourceChangedException.class);

        assertThat(names()).isEmpty();
    }

    /**
     * The server's disk looks full to its writes only: SFTP v3's generic failure carries no reason, and statvfs
     * shows room, so nothing is guessed (a disk that statvfs shows full is told so: SftpReplicaNotCreatedIT has a
     * read-only one).
     */
    @Test
    void aCopyAsReadInstallsExactlyWhatItReadOfASourceRewrittenMeanwhile() throws IOException {
        byte[] before = new byte[3 * PipelinedWrite.CHUNK];
        java.util.Arrays.fill(before, (byte) 'a');
        src.file("log", before).mode("log", "rw-r-----").mtime("log", LAST_YEAR);
        Path log = src.root().resolve("log");
        SourceWrittenWhileRead written = SourceWrittenWhileRead.over(src.root(), "log").whileRead(() -> {
            Files.writeString(log, "b".repeat(before.length), java.nio.file.StandardOpenOption.WRITE);
            Files.writeString(log, "and more\n", java.nio.file.StandardOpenOption.APPEND);
        });

        ReplicaTree.AsRead copy = tree.installFileAsRead(written, RelPath.of("log"), source.examine(RelPath.of("log")),
                work());

        byte[] installed = Files.readAllBytes(replica.resolve("log"));
        assertThat(copy).isEqualTo(new ReplicaTree.AsRead(before.length, true));
        assertThat(installed).as("what was read: the start before the rewrite, the rest after")
                .isEqualTo(written.lastRead()).startsWith((byte) 'a').endsWith((byte) 'b');
        assertThat(Files.getPosixFilePermissions(replica.resolve("log")))
                .isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
        assertThat(names()).as("no temporary file left").containsExactly("log");
    }

    @Test
    void aCopyAsReadOfASourceThatHeldStillSaysSo() throws IOException {
        src.file("log", "held still");

        ReplicaTree.AsRead copy = tree.installFileAsRead(source, RelPath.of("log"), source.examine(RelPath.of("log")),
                work());

        assertThat(copy).isEqualTo(new ReplicaTree.AsRead(10, false));
        assertThat(replica.resolve("log")).hasContent("held still");
    }

    @Test
    void aWriteTheServerFailsWithoutAReasonIsOneFailureSaidSoAndLeavesNoTemporaryFile() throws IOException {
        src.file("a", "does not fit");
        SERVER.fillDisk(true);

        assertThatThrownBy(() -> install("a")).isInstanceOf(IOException.class)
                .hasMessageContaining("failure (the server gave no reason").hasMessageNotContaining("full");

        SERVER.fillDisk(false);
        assertThat(names()).isEmpty();
    }

    @Test
    void installsAndReplacesASymbolicLinkWithItsExactTarget() throws IOException {
        rep.file("was-a-file", "f");
        Entry absolute = Entry.symlink(Name.of("l"), LinkTarget.of("/absolute/../target"), FileTime.from(LAST_YEAR));
        Entry relative = Entry.symlink(Name.of("l"), LinkTarget.of("../elsewhere"), FileTime.from(LAST_YEAR));

        tree.installSymlink(RelPath.of("l"), absolute);
        assertThat(Files.readSymbolicLink(replica.resolve("l"))).hasToString("/absolute/../target");
        tree.installSymlink(RelPath.of("l"), relative);
        tree.installSymlink(RelPath.of("was-a-file"), relative);

        assertThat(Files.readSymbolicLink(replica.resolve("l"))).hasToString("../elsewhere");
        assertThat(Files.readSymbolicLink(replica.resolve("was-a-file"))).hasToString("../elsewhere");
        assertThat(tree.examine(RelPath.of("l")).linkTarget()).isEqualTo(LinkTarget.of("../elsewhere"));
        assertThat(names()).containsExactly("l", "was-a-file");
    }

    @Test
    void refusesToCreateANameThatIsNotUtf8AndCreatesNothing() {
        RelPath latin1 = RelPath.ROOT.resolve(Name.of(new byte[] {(byte) 0xE9, 't', (byte) 0xE9}));
        Entry link = Entry.symlink(latin1.name(), LinkTarget.of("t"), FileTime.from(LAST_YEAR));

        assertThatThrownBy(() -> tree.createDirectory(latin1)).hasMessageContaining("not valid UTF-8")
                .hasMessageContaining("e9 74 e9");
        assertThatThrownBy(() -> tree.installSymlink(latin1, link)).hasMessageContaining("not valid UTF-8");
        assertThat(replica).isEmptyDirectory();
    }

    @Test
    void deletesAFileAndALinkButNotTheLinksTarget() throws IOException {
        rep.file("target", "t").link("link", "target").file("file", "f");

        tree.delete(RelPath.of("link"));
        tree.delete(RelPath.of("file"));

        assertThat(names()).containsExactly("target");
    }

    @Test
    void deletesATreeBottomUpAndALinkInsideAsALinkOnly() throws IOException {
        Path outside = Trees.at(temp.resolve("outside")).file("precious", "keep me").file("sub/more", "and me").root();
        Map<String, String> outsideBefore = Trees.snapshot(outside);
        rep.file("gone/a", "a").file("gone/deep/b", "b").dir("gone/deep/empty").mode("gone/deep", "r-x------")
                .link("gone/to-outside", outside.toString()).file("keep", "k");

        assertThat(tree.countTree(RelPath.of("gone"), Cancellation.NEVER)).isEqualTo(6);
        TreeDeletion deletion = tree.deleteTree(RelPath.of("gone"), Cancellation.NEVER);

        assertThat(deletion.failures()).isEmpty();
        assertThat(deletion.nonDirectories()).isEqualTo(3);
        assertThat(deletion.directories()).isEqualTo(3);
        assertThat(names()).containsExactly("keep");
        assertThat(Trees.snapshot(outside)).isEqualTo(outsideBefore);
    }

    @Test
    void readsARemoteFileForHashing() throws IOException {
        rep.file("a", "some content");

        byte[] md5 = tree.md5(RelPath.of("a"), new Md5(), Cancellation.NEVER);

        assertThat(Md5.hex(md5)).isEqualTo(Trees.md5(replica.resolve("a")));
        assertThatThrownBy(() -> tree.open(RelPath.of("missing"))).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void setsModeAndTimeInOneRequestAndComparesTimesToTheSecond() throws IOException {
        rep.dir("d");
        Entry wanted = Entry.directory(Name.of("d"), FileTime.from(LAST_YEAR), PosixFilePermissions.fromString("rwx--x--x"));

        tree.setAttributes(RelPath.of("d"), wanted);

        Entry now = tree.examine(RelPath.of("d"));
        assertThat(Files.getLastModifiedTime(replica.resolve("d"), LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(LAST_YEAR_TO_THE_SECOND);
        assertThat(now.permissions()).isEqualTo(wanted.permissions());
        assertThat(tree.carries(wanted, now)).isTrue();
        assertThat(tree.carries(wanted.withModified(FileTime.from(LAST_YEAR.plusSeconds(1))), now)).isFalse();
        assertThat(tree.features().tuning().timeGrain().same(FileTime.from(LAST_YEAR), now.modified())).isTrue();
    }

    @Test
    void givesAttributesToALinkItselfNeverToWhatItPointsTo() throws IOException {
        Path outside = Trees.at(temp.resolve("outside")).file("precious", "keep").mode("precious", "rw-------")
                .mtime("precious", LAST_YEAR).root();
        Map<String, String> outsideBefore = Trees.snapshot(outside);
        rep.link("d", outside.toString()).link("f", outside.resolve("precious").toString());
        Entry open = Entry.directory(Name.of("d"), FileTime.fromMillis(0), PosixFilePermissions.fromString("rwxrwxrwx"));

        for (String link : List.of("d", "f")) {
            try {
                tree.setAttributes(RelPath.of(link), open);
            } catch (IOException refused) {
                // Linux keeps no mode on a link: the server may refuse, as long as it follows nothing
            }
        }

        assertThat(Trees.snapshot(outside)).isEqualTo(outsideBefore);
    }

    @Test
    void refusesToOpenALinkForReading() {
        rep.file("target", "t").link("link", "target");

        assertThatThrownBy(() -> tree.open(RelPath.of("link"))).hasMessageContaining("not a regular file");
    }

    @Test
    void preparesAMissingRootWithItsParentsAndRefusesAFile() throws IOException {
        Path deep = temp.resolve("new/parents/root");
        SftpTree missing = SftpTree.over(SERVER.newClient(), deep.toString(), "deep");
        rep.file("a-file", "f");
        SftpTree onAFile = SftpTree.over(SERVER.newClient(), replica.resolve("a-file").toString(), "file");

        assertThat(missing.prepareRoot().kind()).isEqualTo(EntryKind.DIRECTORY);
        assertThat(deep).isDirectory();
        assertThatThrownBy(onAFile::prepareRoot).hasMessageContaining("not a directory");
    }

    @Test
    void offersAtomicReplaceDurableWritesIdentitiesAndTheServersHardLinksButNoBackups() {
        assertThat(tree.capabilities().atomicReplace()).isTrue();
        assertThat(tree.capabilities().durableWrites()).isTrue();
        assertThat(tree.capabilities().stableIdentity()).isTrue();
        assertThat(tree.features().hardLinks()).as("MINA's server offers hardlink@openssh.com").isPresent();
        assertThat(tree.features().backups()).isEmpty();
    }

    /** The MD5 of some bytes. */
    private static final class Md5Of {
        static byte[] bytes(byte[] content) throws IOException {
            return new Md5().of(java.nio.channels.Channels.newChannel(new java.io.ByteArrayInputStream(content)),
                    Cancellation.NEVER);
        }
    }

    @SuppressWarnings("unused")
    private static String text(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}

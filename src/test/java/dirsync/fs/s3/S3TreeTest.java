package dirsync.fs.s3;

import static dirsync.fs.s3.S3ProxyTrees.work;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dirsync.fs.Cancellation;
import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.Listing;
import dirsync.fs.Md5;
import dirsync.fs.Name;
import dirsync.fs.RelPath;
import dirsync.fs.TreeDeletion;
import dirsync.fs.local.LocalTree;
import dirsync.sync.Operation;
import dirsync.sync.PassSummary;
import dirsync.sync.SyncOptions;
import dirsync.sync.Synchronizer;
import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/** How {@link S3Tree} maps a tree to objects, and how it reads them back, against S3Proxy on 127.0.0.1. */
class S3TreeTest {

    @RegisterExtension
    static final S3ProxyTrees S3 = new S3ProxyTrees();

    private static final Instant LAST_YEAR = Instant.parse("2025-03-04T05:06:07.123456789Z");

    private LocalTree source;
    private S3Tree tree;

    @BeforeEach
    void openTree() throws IOException {
        source = LocalTree.at(S3.source());
        tree = S3.tree();
        tree.prepareRoot();
    }

    /** A source file laid out and installed through the tree, its entry as the source lists it. */
    private Entry install(String relative, String content) throws IOException {
        S3.src().file(relative, content).mtime(relative, LAST_YEAR);
        RelPath path = RelPath.of(relative);
        Entry entry = source.examine(path);
        tree.installFile(source, path, entry, null, work());
        return entry;
    }

    /** A run's start on a replica that is there: one HEAD of its root marker, and the sweep's one listing. */
    @Test
    void preparingARootThatIsThereSendsOneHeadAndTheSweepsListing() throws IOException {
        S3.requests().clear();

        Entry root = tree.prepareRoot();

        assertThat(root.is(EntryKind.DIRECTORY)).isTrue();
        assertThat(S3.requests()).containsOnly(Map.entry("HeadObject", 1), Map.entry("ListMultipartUploads", 1));
    }

    /** The walk examines the root right after the run's start prepared it: that answer serves, once. */
    @Test
    void theRootAsPreparedServesThePasssFirstExamineOfItWithoutAnotherHead() throws IOException {
        S3Tree fresh = S3.tree();
        Entry prepared = fresh.prepareRoot();
        S3.requests().clear();

        Entry first = fresh.examine(RelPath.ROOT);
        assertThat(S3.requests()).isEmpty();
        Entry second = fresh.examine(RelPath.ROOT);

        assertThat(first).isSameAs(prepared);
        assertThat(second.is(EntryKind.DIRECTORY)).isTrue();
        assertThat(S3.requests()).containsOnly(Map.entry("HeadObject", 1));
    }

    @Test
    void aChangeAfterTheRootWasPreparedHasTheRootReadAgain() throws IOException {
        S3Tree fresh = S3.tree();
        fresh.prepareRoot();
        S3.src().file("a.txt", "a");
        fresh.installFile(source, RelPath.of("a.txt"), source.examine(RelPath.of("a.txt")), null, work());
        S3.requests().clear();

        fresh.examine(RelPath.ROOT);

        assertThat(S3.requests()).containsOnly(Map.entry("HeadObject", 1));
    }

    @Test
    void aFileIsOneObjectWithItsModeTimeToTheNanosecondAndOwnerAsRcloneNamesThem() throws IOException {
        Entry source = install("docs/a.txt", "alpha");

        HeadObjectResponse object = S3.head("docs/a.txt");
        assertThat(object.contentLength()).isEqualTo(5);
        assertThat(object.metadata()).containsEntry("mtime", "1741064767.123456789")
                .containsEntry("mode", "100" + Integer.toOctalString(mode(source)))
                .containsEntry("uid", Integer.toString(source.owner().uid()))
                .containsEntry("gid", Integer.toString(source.owner().gid()));
        assertThat(ObjectReads.etagMd5(object.eTag())).isEqualTo(Md5.newDigest().digest("alpha".getBytes()));
        assertThat(S3.keys()).containsExactly("", "docs/a.txt");
    }

    @Test
    void theEntryReadBackIsTheSourcesEntryInEveryAttributeTheTreeCarries() throws IOException {
        S3.src().file("f", "content").mode("f", "rwxr-x---");
        Entry source = install("f", "content");
        S3.src().mode("f", "rwxr-x---");
        source = this.source.examine(RelPath.of("f"));
        tree.setAttributes(RelPath.of("f"), source);

        Entry listed = tree.list(RelPath.ROOT).entries().get(0);

        assertThat(listed.kind()).isEqualTo(EntryKind.FILE);
        assertThat(listed.modified()).isEqualTo(FileTime.from(LAST_YEAR));
        assertThat(PosixFilePermissions.toString(listed.permissions())).isEqualTo("rwxr-x---");
        assertThat(listed.owner()).isEqualTo(source.owner());
        assertThat(tree.carries(source, listed)).isTrue();
        assertThat(tree.examine(RelPath.of("f"))).isEqualTo(listed);
    }

    @Test
    void anEmptyDirectoryIsAMarkerObjectThatCarriesItsAttributes() throws IOException {
        tree.createDirectory(RelPath.of("empty"));
        Entry attributes = Entry.directory(Name.of("empty"), FileTime.from(LAST_YEAR),
                PosixFilePermissions.fromString("rwx------"));
        tree.setAttributes(RelPath.of("empty"), attributes);

        assertThat(S3.keys()).containsExactly("", "empty/");
        assertThat(S3.head("empty/").contentLength()).isZero();
        Entry listed = tree.list(RelPath.ROOT).entries().get(0);
        assertThat(listed.kind()).isEqualTo(EntryKind.DIRECTORY);
        assertThat(listed.modified()).isEqualTo(FileTime.from(LAST_YEAR));
        assertThat(PosixFilePermissions.toString(listed.permissions())).isEqualTo("rwx------");
        assertThat(tree.list(RelPath.of("empty")).entries()).isEmpty();
    }

    @Test
    void aSymbolicLinkIsAnRclonelinkObjectHoldingItsTarget() throws IOException {
        Entry link = Entry.symlink(Name.of("l"), dirsync.fs.LinkTarget.of("../some/target"), FileTime.from(LAST_YEAR));
        tree.installSymlink(RelPath.of("l"), link);

        assertThat(S3.keys()).containsExactly("", "l.rclonelink");
        assertThat(new String(S3.object("l.rclonelink"), StandardCharsets.UTF_8)).isEqualTo("../some/target");
        Entry listed = tree.list(RelPath.ROOT).entries().get(0);
        assertThat(listed.kind()).isEqualTo(EntryKind.SYMLINK);
        assertThat(listed.name()).isEqualTo(Name.of("l"));
        assertThat(listed.linkTarget()).isEqualTo(link.linkTarget());
        assertThat(listed.modified()).isEqualTo(link.modified());
    }

    @Test
    void aFileTakingALinksNameLeavesOneObjectAndTheOtherWayRound() throws IOException {
        tree.installSymlink(RelPath.of("x"), Entry.symlink(Name.of("x"), dirsync.fs.LinkTarget.of("t"),
                FileTime.from(LAST_YEAR)));
        tree.list(RelPath.ROOT);
        install("x", "now a file");
        assertThat(S3.keys()).containsExactly("", "x");

        tree.list(RelPath.ROOT);
        tree.installSymlink(RelPath.of("x"), Entry.symlink(Name.of("x"), dirsync.fs.LinkTarget.of("t"),
                FileTime.from(LAST_YEAR)));
        assertThat(S3.keys()).containsExactly("", "x.rclonelink");
    }

    @Test
    void objectsWrittenByRcloneAreReadWithTheirTimesAndDefaultModes() throws IOException {
        S3.client().putObject(request -> request.bucket(S3.bucket()).key(S3.prefix() + "by-rclone")
                .metadata(Map.of("mtime", "1741064767.5")), RequestBody.fromString("r"));
        S3.client().putObject(request -> request.bucket(S3.bucket()).key(S3.prefix() + "plain/deep/object"),
                RequestBody.fromString("p"));

        Listing root = tree.list(RelPath.ROOT);

        assertThat(root.entries()).extracting(Entry::name).containsExactly(Name.of("by-rclone"), Name.of("plain"));
        Entry byRclone = root.entries().get(0);
        assertThat(byRclone.modified()).isEqualTo(FileTime.from(Instant.parse("2025-03-04T05:06:07.5Z")));
        assertThat(PosixFilePermissions.toString(byRclone.permissions())).isEqualTo("rw-r--r--");
        assertThat(root.entries().get(1).kind()).as("a directory only its keys imply").isEqualTo(EntryKind.DIRECTORY);
        assertThat(tree.list(RelPath.of("plain")).entries()).extracting(Entry::name).containsExactly(Name.of("deep"));
    }

    @Test
    void aNameThatIsNotUtf8FailsAloneAndNamesIt() throws IOException {
        byte[] latin1 = {'c', 'a', 'f', (byte) 0xE9};
        Path file = Trees.child(S3.source(), latin1);
        Files.writeString(file, "x");
        RelPath path = RelPath.ROOT.resolve(Name.of(latin1));
        Entry entry = source.examine(path);

        assertThatThrownBy(() -> tree.installFile(source, path, entry, null, work()))
                .isInstanceOf(UnstorableNameException.class).hasMessageContaining("not UTF-8").hasMessageContaining("caf");
        install("after", "still installed");
        assertThat(S3.keys()).containsExactly("", "after");
    }

    @Test
    void aFileNamedLikeALinkObjectIsRefusedRatherThanReadBackAsALink() throws IOException {
        S3.src().file("x.rclonelink", "a file");
        RelPath path = RelPath.of("x.rclonelink");
        Entry entry = source.examine(path);

        assertThatThrownBy(() -> tree.installFile(source, path, entry, null, work()))
                .isInstanceOf(UnstorableNameException.class).hasMessageContaining("x.rclonelink");
        assertThat(S3.keys()).containsExactly("");
    }

    @Test
    void theWholePrefixIsListedOnceAndEachDirectoryServedFromIt() throws IOException {
        install("a/1", "1");
        install("a/b/2", "2");
        install("c/3", "3");
        S3.requests().clear();

        tree.list(RelPath.ROOT);
        tree.list(RelPath.of("a"));
        tree.list(RelPath.of("a/b"));
        tree.list(RelPath.of("c"));

        assertThat(S3.requests().get("ListObjectsV2")).isEqualTo(1);
        assertThat(S3.requests()).doesNotContainKey("GetObject");
    }

    @Test
    void aFilesMd5IsItsEtagWithoutReadingIt() throws IOException {
        install("f", "some content");
        tree.list(RelPath.ROOT);
        S3.requests().clear();

        byte[] md5 = tree.md5(RelPath.of("f"), new Md5(), Cancellation.NEVER);

        assertThat(HexFormat.of().formatHex(md5)).isEqualTo(Trees.md5(S3.source().resolve("f")));
        assertThat(S3.requests()).isEmpty();
    }

    @Test
    void aTreeIsDeletedWithDeleteObjectsInBatchesOfAThousand() throws IOException {
        IntStream.range(0, 1001).parallel().forEach(i -> S3.client().putObject(request -> request
                .bucket(S3.bucket()).key(S3.prefix() + "big/sub/f" + i), RequestBody.fromString("x")));
        tree.createDirectory(RelPath.of("big/empty"));
        S3.requests().clear();

        TreeDeletion deletion = tree.deleteTree(RelPath.of("big"), Cancellation.NEVER);

        assertThat(deletion.complete()).isTrue();
        assertThat(deletion.nonDirectories()).isEqualTo(1001);
        assertThat(deletion.directories()).isEqualTo(3);
        assertThat(S3.requests().get("DeleteObjects")).isEqualTo(3); // 1,000 files, 1 file, the 3 markers
        assertThat(S3.keys()).containsExactly("");
    }

    /** The directory's time set back after the move: the pass's one change is the file's name (no marker to write). */
    @Test
    void aFileMovedInTheSourceIsCopiedOnTheStoreToItsNewKeyAndNoneOfItsBytesSent() throws IOException {
        S3.src().file("docs/report.txt", "quarterly figures").file("docs/other.txt", "other");
        Synchronizer mirror = new Synchronizer(source, tree, SyncOptions.defaults());
        assertThat(mirror.runPass(Cancellation.NEVER).errors()).isZero();
        Path docs = S3.source().resolve("docs");
        FileTime docsTime = Files.getLastModifiedTime(docs);
        Files.move(docs.resolve("report.txt"), docs.resolve("renamed.txt"));
        Files.setLastModifiedTime(docs, docsTime);
        S3.requests().clear();

        PassSummary moved = mirror.runPass(Cancellation.NEVER);

        assertThat(moved.errors()).isZero();
        assertThat(moved.count(Operation.MOVED)).isEqualTo(1);
        assertThat(S3.requests()).containsEntry("CopyObject", 1)
                .doesNotContainKeys("PutObject", "CreateMultipartUpload", "UploadPart");
        assertThat(new String(S3.object("docs/renamed.txt"), StandardCharsets.UTF_8)).isEqualTo("quarterly figures");
        assertThat(S3.keys()).containsExactly("", "docs/", "docs/other.txt", "docs/renamed.txt");
    }

    private static int mode(Entry entry) {
        int mode = 0;
        String text = PosixFilePermissions.toString(entry.permissions());
        for (int i = 0; i < 9; i++) {
            if (text.charAt(i) != '-') {
                mode |= 1 << (8 - i);
            }
        }
        return mode;
    }
}

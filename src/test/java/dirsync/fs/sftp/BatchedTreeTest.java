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
import dirsync.fs.ReplicaFeatures;
import dirsync.testing.OpenSshServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replica listed by one find and hashed by md5sum in batches, against a real OpenSSH server: on a tree of
 * awkward names (a newline, bytes that are not UTF-8, a space, a leading dash, a backslash, a tab) it gives what
 * READDIR and reading the files give, in a fixed number of commands.
 */
class BatchedTreeTest {

    @RegisterExtension
    final OpenSshServer sshd = new OpenSshServer();

    @TempDir
    Path temp;

    private RemoteReplica replica;

    /** The awkward tree, made by sh so that its names are bytes; the files' contents by their names' bytes. */
    static final String SCRIPT = String.join("\n",
            "set -e",
            "printf 'plain' > plain",
            "printf 'two lines' > \"$(printf 'new\\nline')\"",
            "printf 'latin' > \"$(printf 'caf\\351')\"",
            "printf 'spaced' > 'with space'",
            "printf 'dashed' > -leading-dash",
            "printf 'slashed' > 'back\\slash'",
            "mkdir \"$(printf 'sub\\ndir\\377')\"",
            "printf 'deep' > \"$(printf 'sub\\ndir\\377')/$(printf '\\tinner')\"",
            "ln -s \"$(printf 'caf\\351')\" \"$(printf 'link\\nto')\"",
            "mkdir empty",
            "mkfifo pipe",
            "chmod 640 plain",
            "touch -d '2020-01-02 03:04:05.6789' plain",
            "");

    static final Map<byte[], String> FILES = new LinkedHashMap<>();

    static {
        FILES.put(bytes("plain"), "plain");
        FILES.put(bytes("new\nline"), "two lines");
        FILES.put(new byte[] {'c', 'a', 'f', (byte) 0xE9}, "latin");
        FILES.put(bytes("with space"), "spaced");
        FILES.put(bytes("-leading-dash"), "dashed");
        FILES.put(bytes("back\\slash"), "slashed");
        FILES.put(new byte[] {'s', 'u', 'b', '\n', 'd', 'i', 'r', (byte) 0xFF, '/', '\t', 'i', 'n', 'n', 'e', 'r'},
                "deep");
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }

    @AfterEach
    void disconnect() {
        if (replica != null) {
            replica.disconnect();
        }
    }

    private Path awkwardTree() throws Exception {
        return awkwardTree(temp);
    }

    /** The tree of {@link #SCRIPT} under {@code temp}/replica. */
    static Path awkwardTree(Path temp) throws Exception {
        Path root = Files.createDirectories(temp.resolve("replica"));
        sh(root, SCRIPT);
        return root;
    }

    /** A replica at {@code root} connected as a run connects (without a lock: not what this test is about). */
    private RemoteReplica.Connection connect(Path root) throws IOException {
        replica = replicaAt(sshd, root);
        RemoteReplica.Connection connection = replica.connect();
        replica.beginPass();
        return connection;
    }

    /**
     * A replica at {@code root} on {@code sshd}, as a run connects to it but without a lock; each step of connecting
     * may take a minute (a hang guard: a loaded machine can take longer than the 15 s a user gets by default).
     */
    static RemoteReplica replicaAt(OpenSshServer sshd, Path root) {
        SftpLocation where = SftpLocation.parse(sshd.uri(root));
        SshOptions options = SshOptions.defaults(sshd.home()).withKeyFile(sshd.clientKey())
                .withConnectTimeout(Duration.ofMinutes(1));
        return new RemoteReplica(where, new RemoteReplica.Connecting() {
            @Override
            public RemoteConnection connect() throws IOException {
                return new SshConnector().connect(where, options);
            }

            @Override
            public void lock(SftpClient client) {
            }
        }, (connection, first) -> { });
    }

    @Test
    void aTreeOfAwkwardNamesListedByOneFindIsWhatReaddirLists() throws Exception {
        Path root = awkwardTree();
        long before = sshd.commandsStarted();
        RemoteReplica.Connection connection = connect(root);

        List<RelPath> dirs = new ArrayList<>(List.of(RelPath.ROOT));
        for (int i = 0; i < dirs.size(); i++) {
            RelPath dir = dirs.get(i);
            Listing batched = replica.list(dir);
            Listing readDir = connection.tree().list(dir);
            assertThat(batched).as("listing of '%s'", dir).isEqualTo(readDir);
            batched.entries().stream().filter(entry -> entry.is(EntryKind.DIRECTORY))
                    .forEach(entry -> dirs.add(dir.resolve(entry.name())));
        }

        assertThat(dirs).hasSize(3);
        assertThat(replica.list(RelPath.ROOT).entries()).extracting(Entry::kind).contains(EntryKind.SYMLINK,
                EntryKind.SPECIAL, EntryKind.DIRECTORY, EntryKind.FILE);
        assertThat(connection.commands().find()).isTrue();
        assertThat(sshd.commandsStarted() - before).as("the probe, then one find for the whole tree: one command "
                + "started with the connection").isEqualTo(1);
    }

    @Test
    void filesOfAwkwardNamesAreHashedOnTheServerInOneCommand() throws Exception {
        connect(awkwardTree());
        long before = sshd.commandsStarted();

        for (Map.Entry<byte[], String> file : FILES.entrySet()) {
            byte[] hash = replica.md5(path(file.getKey()), new Md5(new Progress()), Cancellation.NEVER);
            assertThat(HexFormat.of().formatHex(hash)).as(new String(file.getKey(), StandardCharsets.ISO_8859_1))
                    .isEqualTo(md5(file.getValue()));
        }

        assertThat(sshd.commandsStarted() - before).as("one hashing command for every file").isEqualTo(1);
    }

    @Test
    void filesAskedAheadAreHashedWithoutWaitingForEachOtherByTheLoopTheFirstFindBecame() throws Exception {
        connect(awkwardTree());
        replica.list(RelPath.ROOT);
        long before = sshd.commandsStarted();
        ReplicaFeatures.HashingAhead ahead = replica.features().hashesAhead().orElseThrow();

        Map<byte[], java.util.concurrent.CompletableFuture<byte[]>> asked = new java.util.LinkedHashMap<>();
        FILES.keySet().forEach(name -> asked.put(name, ahead.md5Ahead(path(name), 16)));

        for (Map.Entry<byte[], String> file : FILES.entrySet()) {
            assertThat(HexFormat.of().formatHex(asked.get(file.getKey()).get(1, java.util.concurrent.TimeUnit.MINUTES)))
                    .as(new String(file.getKey(), StandardCharsets.ISO_8859_1)).isEqualTo(md5(file.getValue()));
        }
        assertThat(sshd.commandsStarted() - before)
                .as("none: the command of the probe and the first find went on as the hashing loop").isZero();
    }

    /**
     * "plain", once the pass has changed it (its attributes set), replaced on the server by a link to another file:
     * what the find listed of it no longer holds.
     */
    private RelPath plainChangedThenMadeALink() throws Exception {
        Path root = awkwardTree();
        connect(root);
        Entry listed = entryNamed(replica.list(RelPath.ROOT), Name.of("plain"));
        RelPath plain = RelPath.ROOT.resolve(Name.of("plain"));
        replica.setAttributes(plain, listed);
        sh(root, "rm plain && ln -s 'with space' plain");
        return plain;
    }

    /** Asked ahead, a file the pass changed gets no answer at once: md5 then checks that it is a regular file. */
    @Test
    void aFileThePassChangedIsNotHashedAhead() throws Exception {
        RelPath plain = plainChangedThenMadeALink();

        assertThat(replica.features().hashesAhead().orElseThrow().md5Ahead(plain, 6)).isCompletedWithValue(null);
    }

    @Test
    void whetherAHashedFileIsStillAsListedIsToldByTheStatThatFollowedItsMd5sum() throws Exception {
        Path root = awkwardTree();
        connect(root);
        Map<Name, Entry> listed = new java.util.HashMap<>();
        replica.list(RelPath.ROOT).entries().forEach(entry -> listed.put(entry.name(), entry));
        RelPath plain = RelPath.of("plain");
        RelPath spaced = RelPath.of("with space");
        sh(root, "printf 'changed before it was hashed' > 'with space'");

        replica.md5(plain, new Md5(new Progress()), Cancellation.NEVER);
        replica.md5(spaced, new Md5(new Progress()), Cancellation.NEVER);
        sh(root, "printf 'changed once it was hashed' > plain");

        assertThat(replica.unchanged(plain, listed.get(Name.of("plain"))))
                .as("the content hashed was the listed file's: stat said so right after md5sum").isTrue();
        assertThat(replica.unchanged(spaced, listed.get(Name.of("with space")))).isFalse();
        assertThat(replica.unchanged(plain, listed.get(Name.of("plain"))))
                .as("asked again: told by the server now").isFalse();
    }

    private static final byte[] SUBDIR = {'s', 'u', 'b', '\n', 'd', 'i', 'r', (byte) 0xFF};

    @Test
    void aDirectoryThisPassChangedBeforeListingItIsListedAsItIsNow() throws Exception {
        connect(awkwardTree());
        replica.list(RelPath.ROOT);
        RelPath subdir = path(SUBDIR);
        RelPath link = subdir.resolve(Name.of("new link"));

        replica.installSymlink(link, Entry.symlink(link.name(), LinkTarget.of("x"), FileTime.fromMillis(0)));

        assertThat(replica.list(subdir).entries()).extracting(Entry::name).contains(link.name(), Name.of("\tinner"));
    }

    @Test
    void eachPassListsTheTreeAsItIsWhenThatPassBegins() throws Exception {
        Path root = awkwardTree();
        connect(root);
        replica.list(RelPath.ROOT);
        sh(root, "printf 'later' > \"$(printf 'sub\\ndir\\377')/added\"");

        replica.beginPass();
        replica.list(RelPath.ROOT);

        assertThat(replica.list(path(SUBDIR)).entries()).extracting(Entry::name).contains(Name.of("added"));
    }

    @Test
    void theFindStartedWithTheConnectionListsTheTreeAsItIsWhenThePassListsIt() throws Exception {
        Path root = awkwardTree();
        connect(root); // the find is started, and waits for the pass (which lists only once the lock is held)
        sh(root, "printf 'later' > added && rm plain");

        assertThat(replica.list(RelPath.ROOT).entries()).extracting(Entry::name).contains(Name.of("added"))
                .doesNotContain(Name.of("plain"));
    }

    @Test
    void aDirectoryThePassHasNotChangedIsExaminedAsTheFindListedIt() throws Exception {
        Path root = awkwardTree();
        connect(root);
        Entry listed = entryNamed(replica.list(RelPath.ROOT), Name.of("empty"));
        sh(root, "chmod 700 empty"); // behind the tree's back: no request can tell the pass
        RelPath empty = RelPath.ROOT.resolve(Name.of("empty"));
        replica.ensureWritable(empty, listed); // writable already: nothing to change, so nothing forgotten

        Entry examined = replica.examine(empty);

        assertThat(examined.permissions()).as("served from the pass's snapshot").isEqualTo(listed.permissions())
                .isNotEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(examined).isEqualTo(listed);
    }

    @Test
    void aDirectoryThePassChangedSomethingInIsExaminedOnTheServer() throws Exception {
        Path root = awkwardTree();
        connect(root);
        replica.list(RelPath.ROOT);
        RelPath subdir = path(SUBDIR);
        RelPath empty = RelPath.ROOT.resolve(Name.of("empty"));
        sh(root, "chmod 700 empty \"$(printf 'sub\\ndir\\377')\"");

        replica.installSymlink(subdir.resolve(Name.of("new link")),
                Entry.symlink(Name.of("new link"), LinkTarget.of("x"), FileTime.fromMillis(0)));
        replica.setAttributes(empty, Entry.directory(empty.name(), FileTime.fromMillis(0),
                PosixFilePermissions.fromString("rwx--x---")));

        assertThat(replica.examine(subdir).permissions()).as("a link made in it")
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(replica.examine(empty).permissions()).as("its own attributes set")
                .isEqualTo(PosixFilePermissions.fromString("rwx--x---"));
    }

    /**
     * A file this pass's find listed as regular is hashed without an LSTAT first: swapped behind the pass's back
     * for a link to another file, it is hashed through the link (the same race as between an LSTAT and md5sum).
     * The old code asked the server and refused it as no regular file.
     */
    @Test
    void aFileTheFindListedAsRegularIsHashedWithoutAskingItsTypeAgain() throws Exception {
        Path root = awkwardTree();
        connect(root);
        replica.list(RelPath.ROOT);
        sh(root, "rm plain && ln -s 'with space' plain");

        byte[] hash = replica.md5(RelPath.ROOT.resolve(Name.of("plain")), new Md5(new Progress()), Cancellation.NEVER);

        assertThat(HexFormat.of().formatHex(hash)).as("no LSTAT: md5sum read through the link")
                .isEqualTo(md5("spaced"));
    }

    /** A file the pass changed is LSTAT'ed before it is hashed: a link is refused. */
    @Test
    void aFileThePassChangedIsCheckedToBeRegularBeforeItIsHashed() throws Exception {
        RelPath plain = plainChangedThenMadeALink();

        assertThatThrownBy(() -> replica.md5(plain, new Md5(new Progress()), Cancellation.NEVER))
                .isInstanceOf(IOException.class).hasMessageContaining("not a regular file");
    }

    private static Entry entryNamed(Listing listing, Name name) {
        return listing.entries().stream().filter(entry -> entry.name().equals(name)).findFirst().orElseThrow();
    }

    private static void sh(Path dir, String script) throws Exception {
        Process sh = new ProcessBuilder("/bin/sh", "-c", "cd \"$1\" || exit 1\n" + script, "sh", dir.toString())
                .inheritIO().start();
        assertThat(sh.waitFor()).as(script).isZero();
    }

    /** A relative path of names as bytes, split at '/'. */
    static RelPath path(byte[] slashSeparated) {
        RelPath path = RelPath.ROOT;
        int start = 0;
        for (int i = 0; i <= slashSeparated.length; i++) {
            if (i == slashSeparated.length || slashSeparated[i] == '/') {
                path = path.resolve(Name.of(java.util.Arrays.copyOfRange(slashSeparated, start, i)));
                start = i + 1;
            }
        }
        return path;
    }

    static String md5(String content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes(content)));
    }
}

package dirsync.sync;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.Listing;
import dirsync.fs.RelPath;
import dirsync.fs.ReplicaTree;
import dirsync.fs.s3.S3Tree;
import dirsync.testing.S3ProxyServer;
import dirsync.testing.Trees;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The behaviour suite's replica in a bucket of an {@link S3ProxyServer}, under a prefix of its own. A test lays it out
 * as objects written here with the S3 client, in the form the object tree documents (a file's object, a directory's
 * marker, a link's {@code .rclonelink} object, mode and time as {@code mode} and {@code mtime} metadata), and reads it
 * back through a fresh {@link S3Tree}, every file's content read and hashed, described as {@link Trees#describe}
 * describes an entry on disk.
 */
final class ReplicaInBucket extends ReplicaUnderTest implements Trees.Layout {

    private final S3ProxyServer server;
    private final String prefix;

    ReplicaInBucket(S3ProxyServer server) {
        this.server = server;
        this.prefix = server.newPrefix();
        put(prefix, new byte[0], Map.of()); // the root, as a replica made before the first pass
    }

    @Override
    Trees.Layout layout() {
        return this;
    }

    @Override
    ReplicaTree tree() {
        return S3Tree.over(client(), server.bucket(), prefix, "s3://" + server.bucket() + "/" + prefix);
    }

    private S3Client client() {
        return server.client();
    }

    @Override
    Map<String, String> snapshot(String dir, Trees.Detail... more) {
        ReplicaTree tree = tree();
        RelPath start = RelPath.of(dir);
        Map<String, String> entries = new TreeMap<>();
        try {
            Entry top = tree.examine(start);
            describeTree(tree, start, ".", top, entries);
        } catch (NoSuchFileException missing) {
            return Map.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    private void describeTree(ReplicaTree tree, RelPath path, String key, Entry entry, Map<String, String> entries)
            throws IOException {
        entries.put(key, describe(tree, path, entry));
        if (entry.is(EntryKind.DIRECTORY)) {
            Listing listing = tree.list(path);
            for (Entry child : listing.entries()) {
                String childKey = key.equals(".") ? child.name().text() : key + "/" + child.name().text();
                describeTree(tree, path.resolve(child.name()), childKey, child, entries);
            }
        }
    }

    private static String describe(ReplicaTree tree, RelPath path, Entry entry) throws IOException {
        String mode = PosixFilePermissions.toString(entry.permissions());
        return switch (entry.kind()) {
            case SYMLINK -> "symlink -> " + entry.linkTarget();
            case DIRECTORY -> "directory " + mode + " mtime=" + entry.modified();
            case FILE -> "file " + mode + " mtime=" + entry.modified() + " size=" + entry.size() + " md5="
                    + md5(tree, path);
            default -> "special";
        };
    }

    private static String md5(ReplicaTree tree, RelPath path) throws IOException {
        MessageDigest digest = dirsync.fs.Md5.newDigest();
        try (SeekableByteChannel channel = tree.open(path); InputStream in = Channels.newInputStream(channel)) {
            digest.update(in.readAllBytes());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    @Override
    Optional<String> text(String relative) {
        try {
            return Optional.of(client().getObjectAsBytes(request -> request.bucket(server.bucket())
                    .key(prefix + relative)).asUtf8String());
        } catch (NoSuchKeyException missing) {
            return Optional.empty();
        }
    }

    @Override
    List<String> names(String dir) {
        String under = dir.equals(".") ? prefix : prefix + dir + "/";
        var listed = client().listObjectsV2(request -> request.bucket(server.bucket()).prefix(under).delimiter("/"));
        var names = new java.util.TreeSet<String>();
        listed.contents().stream().map(S3Object::key).filter(key -> !key.equals(under))
                .map(key -> key.substring(under.length()))
                .forEach(name -> names.add(name.endsWith(".rclonelink")
                        ? name.substring(0, name.length() - ".rclonelink".length()) : name));
        listed.commonPrefixes().forEach(common -> names.add(common.prefix().substring(under.length(),
                common.prefix().length() - 1)));
        return List.copyOf(names);
    }

    @Override
    void remove() {
        for (var page : client().listObjectsV2Paginator(request -> request.bucket(server.bucket()).prefix(prefix))) {
            page.contents().forEach(object -> client().deleteObject(request -> request.bucket(server.bucket())
                    .key(object.key())));
        }
    }

    private void put(String key, byte[] content, Map<String, String> metadata) {
        client().putObject(request -> request.bucket(server.bucket()).key(key).metadata(metadata),
                RequestBody.fromBytes(content));
    }

    private static Map<String, String> attributes(int mode, Instant time) {
        return Map.of("mode", Integer.toOctalString(mode), "mtime", seconds(time));
    }

    private static String seconds(Instant time) {
        return new java.math.BigDecimal(time.getEpochSecond()).add(java.math.BigDecimal.valueOf(time.getNano(), 9))
                .toPlainString();
    }

    @Override
    public Trees.Layout file(String relative, String content) {
        put(prefix + relative, content.getBytes(StandardCharsets.UTF_8), attributes(0100644, Instant.now()));
        return this;
    }

    @Override
    public Trees.Layout dir(String relative) {
        put(prefix + relative + "/", new byte[0], attributes(040755, Instant.now()));
        return this;
    }

    @Override
    public Trees.Layout link(String relative, String target) {
        put(prefix + relative + ".rclonelink", target.getBytes(StandardCharsets.UTF_8),
                attributes(0120777, Instant.now()));
        return this;
    }

    @Override
    public Trees.Layout fifo(String relative) {
        throw new UnsupportedOperationException("an object store holds no FIFO");
    }

    @Override
    public Trees.Layout mode(String relative, String permissions) {
        return changeMetadata(relative, "mode", Integer.toOctalString(Integer.parseInt(permissionBits(permissions), 8)));
    }

    @Override
    public Trees.Layout mtime(String relative, Instant time) {
        return changeMetadata(relative, "mtime", seconds(time));
    }

    private static String permissionBits(String text) {
        int mode = 0;
        for (int i = 0; i < 9; i++) {
            if (text.charAt(i) != '-') {
                mode |= 1 << (8 - i);
            }
        }
        return Integer.toOctalString(mode);
    }

    /** One metadata value of a file's object (copied onto itself) or a directory's marker (written again). */
    private Trees.Layout changeMetadata(String relative, String name, String value) {
        String file = prefix + relative;
        String marker = relative.equals(".") ? prefix : prefix + relative + "/";
        for (String key : relative.equals(".") ? List.of(marker) : List.of(file, marker)) {
            Map<String, String> metadata;
            try {
                metadata = new HashMap<>(client().headObject(request -> request.bucket(server.bucket()).key(key))
                        .metadata());
            } catch (NoSuchKeyException missing) {
                continue;
            } catch (software.amazon.awssdk.services.s3.model.S3Exception missing) {
                if (missing.statusCode() == 404) {
                    continue;
                }
                throw missing;
            }
            if (name.equals("mode")) {
                int type = key.endsWith("/") ? 040000 : 0100000;
                value = Integer.toOctalString(type | Integer.parseInt(value, 8));
            }
            metadata.put(name, value);
            client().copyObject(request -> request.sourceBucket(server.bucket()).sourceKey(key)
                    .destinationBucket(server.bucket()).destinationKey(key)
                    .metadataDirective(MetadataDirective.REPLACE).metadata(metadata));
            return this;
        }
        throw new IllegalArgumentException("nothing at " + relative);
    }
}

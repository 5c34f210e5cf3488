package dirsync.fs.s3;

import dirsync.fs.Name;
import dirsync.fs.RelPath;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * How the paths of the tree become object keys under {@code s3://bucket/prefix}: a file is the object
 * {@code prefix + path}; a directory the marker {@code prefix + path + "/"} (an empty object; a directory with
 * entries may have none, its keys imply it); a symbolic link the object {@code prefix + path + ".rclonelink"}
 * holding its target, as rclone's {@code --links} stores one. A key is Unicode text: a name's bytes must be UTF-8,
 * and are decoded strictly (never replaced), so a key read back gives the same bytes.
 */
final class S3Keys {

    static final String LINK_SUFFIX = ".rclonelink";
    /** The lock object's name at the tree's root ({@link ObjectLock}), and its probe's: no entry there has them. */
    static final String LOCK = ".dirsync.lock";
    static final String LOCK_PROBE = ".dirsync.lock.probe";
    private static final int MAX_KEY_BYTES = 1024;

    private final String prefix;

    /** @param prefix the keys' common start: empty (the whole bucket) or ending in '/' */
    S3Keys(String prefix) {
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            throw new IllegalArgumentException("a prefix ends in '/': " + prefix);
        }
        this.prefix = prefix;
    }

    String prefix() {
        return prefix;
    }

    /** The key of the file at {@code path}. */
    String file(RelPath path) throws UnstorableNameException {
        refuseReserved(path);
        if (path.name().text().endsWith(LINK_SUFFIX)) {
            throw new UnstorableNameException("a file named *" + LINK_SUFFIX + " would read back as a link in an "
                    + "object store: " + path);
        }
        return checked(prefix + text(path));
    }

    /** The key of the link at {@code path}. */
    String link(RelPath path) throws UnstorableNameException {
        refuseReserved(path);
        return checked(prefix + text(path) + LINK_SUFFIX);
    }

    /** What every key inside the directory {@code dir} starts with (its marker's key, too). */
    String directory(RelPath dir) throws UnstorableNameException {
        refuseReserved(dir);
        return dir.isRoot() ? prefix : checked(prefix + text(dir) + "/");
    }

    /** The path a key below the prefix names (without a marker's '/' or a link's suffix). */
    RelPath path(String key) {
        RelPath path = RelPath.ROOT;
        for (String part : key.substring(prefix.length()).split("/")) {
            if (!part.isEmpty()) {
                path = path.resolve(Name.of(part.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return path;
    }

    /** Whether {@code name}, at the tree's root, is one the lock keeps for itself (in any form: file, link, directory). */
    static boolean reserved(String name) {
        return name.equals(LOCK) || name.equals(LOCK_PROBE);
    }

    /** Whether {@code key} (under the prefix) is the lock's, or another object at a reserved name: no entry's. */
    boolean hidden(String key) {
        String relative = key.substring(prefix.length());
        int slash = relative.indexOf('/');
        return reserved(slash < 0 ? relative : relative.substring(0, slash));
    }

    private static void refuseReserved(RelPath path) throws UnstorableNameException {
        if (path.depth() == 1 && reserved(path.name().text())) {
            throw new UnstorableNameException("a name kept for dirsync's lock at the replica's root: " + path);
        }
    }

    private static String checked(String key) throws UnstorableNameException {
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new UnstorableNameException("longer than an object key can be (" + MAX_KEY_BYTES + " bytes): "
                    + key);
        }
        return key;
    }

    /** The path as text: its bytes decoded as UTF-8, refused if they are not. */
    private static String text(RelPath path) throws UnstorableNameException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(path.bytes())).toString();
        } catch (CharacterCodingException notUtf8) {
            throw new UnstorableNameException("not UTF-8, which an object key must be: " + path);
        }
    }
}

package dirsync.fs.sftp;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.sftp.client.SftpClient;

/**
 * The replica's directories as one command listed them at the start of a pass ({@link RemoteFind}), each served
 * once: a directory's listing is handed out by {@link #take} and forgotten, so that memory shrinks as the walk
 * goes and a second listing of the same directory in a pass asks the server again. Each entry is held as a few
 * bytes (its kind, mode, size, time, owner, name and link target as the server gave them), not as an object.
 * <p>
 * What this pass changes makes the listings it touches stale: {@link #changed} forgets the parent's listing, and
 * with {@code subtree} the entry's own and everything under it; those are asked of the server again (READDIR).
 * A rename ({@link #renamed}) keeps what is held of the moved subtree, under its new name.
 * <p>
 * Keys are relative paths in wire form (one char a byte, see {@link SftpNames}), "" for the root; a String's order
 * is then the bytes' unsigned order, so a subtree is a range of keys.
 */
final class TreeSnapshot {

    /** One listed entry, as READDIR would have given its attributes. */
    record Raw(byte[] name, SftpClient.Attributes attributes, byte[] linkTarget) {
    }

    private final TreeMap<String, byte[]> listings;
    /** Each directory's own entry (but the root's), as its parent's listing held it, by its path. */
    private final TreeMap<String, byte[]> directories;
    /** The paths listed as regular files that this pass has not changed since. */
    private final TreeSet<String> files;

    private TreeSnapshot(TreeMap<String, byte[]> listings, TreeMap<String, byte[]> directories,
                         TreeSet<String> files) {
        this.listings = listings;
        this.directories = directories;
        this.files = files;
    }

    /**
     * Whether {@code path} was listed as a regular file and this pass has changed nothing of it since: what an
     * LSTAT would have answered when the pass listed it.
     */
    synchronized boolean listedFile(String path) {
        return files.contains(path);
    }

    /**
     * The entry of the directory {@code path} itself (not the root) as listed, once, if this pass has changed
     * nothing in it or of it since: what an LSTAT would answer then. Empty if the snapshot does not hold it (any
     * more).
     */
    synchronized Optional<Raw> takeDirectory(String path) {
        byte[] packed = directories.remove(path);
        return packed == null ? Optional.empty() : Optional.of(unpack(packed).get(0));
    }

    /** The entries of {@code dir} as listed, once; empty if the snapshot does not hold it (any more). */
    synchronized Optional<List<Raw>> take(String dir) {
        byte[] packed = listings.remove(dir);
        return packed == null ? Optional.empty() : Optional.of(unpack(packed));
    }

    /** This pass changed the entry at {@code path} (and, with {@code subtree}, what is under it). */
    synchronized void changed(String path, boolean subtree) {
        int slash = path.lastIndexOf('/');
        String parent = slash < 0 ? "" : path.substring(0, slash);
        listings.remove(parent);
        // The parent's time moves with what is made or removed in it; the entry's own state with any change of it.
        directories.remove(parent);
        directories.remove(path);
        files.remove(path);
        if (subtree) {
            files.subSet(path + "/", path + "0").clear();
            listings.remove(path);
            listings.subMap(path + "/", path + "0").clear(); // '0' follows '/': every key under path
            directories.subMap(path + "/", path + "0").clear();
        }
    }

    /**
     * This pass renamed the entry at {@code from} to {@code to} (a rename that never replaces): both parents'
     * listings are forgotten, and what is held of {@code from} and under it is held under {@code to} instead, as a
     * rename moves a subtree whole (what {@code to} held before is dropped).
     */
    synchronized void renamed(String from, String to) {
        changed(to, true);
        changed(from, false);
        directories.subMap(from + "/", from + "0").clear(); // a moved directory's own state is asked for again
        files.subSet(from + "/", from + "0").clear(); // and so are the files under it
        TreeMap<String, byte[]> moved = new TreeMap<>();
        byte[] top = listings.remove(from);
        if (top != null) {
            moved.put(to, top);
        }
        var below = listings.subMap(from + "/", from + "0");
        below.forEach((key, packed) -> moved.put(to + key.substring(from.length()), packed));
        below.clear();
        listings.putAll(moved);
    }

    /** How many directory listings are still held. */
    synchronized int directories() {
        return listings.size();
    }

    private static List<Raw> unpack(byte[] packed) {
        List<Raw> entries = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(packed))) {
            while (in.available() > 0) {
                int permissions = in.readInt();
                long size = in.readLong();
                long seconds = in.readLong();
                int uid = in.readInt();
                int gid = in.readInt();
                byte[] name = in.readNBytes(in.readInt());
                byte[] target = in.readNBytes(in.readInt());
                SftpClient.Attributes attributes = new SftpClient.Attributes();
                attributes.setPermissions(permissions);
                attributes.setSize(size);
                attributes.setModifyTime(FileTime.from(seconds, TimeUnit.SECONDS));
                attributes.owner(uid, gid);
                entries.add(new Raw(name, attributes, target));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return entries;
    }

    /** Collects the entries as they come, each under its directory. */
    static final class Builder {
        private final Map<String, ByteArrayOutputStream> open = new TreeMap<>();
        private final TreeMap<String, byte[]> directories = new TreeMap<>();
        private final TreeSet<String> files = new TreeSet<>();
        private long bytes;

        /** A directory of the tree (it may have no entries). */
        void directory(String dir) {
            open.computeIfAbsent(dir, key -> new ByteArrayOutputStream());
        }

        /**
         * The entry {@code name} of {@code dir}: its mode with the type bits (as SFTP gives it), size, modification
         * time in whole seconds as SFTP v3 carries them (unsigned 32 bits), owner and group, link target.
         */
        void entry(String dir, byte[] name, int mode, long size, long seconds, int uid, int gid, byte[] target) {
            ByteArrayOutputStream buffer = open.computeIfAbsent(dir, key -> new ByteArrayOutputStream());
            int before = buffer.size();
            pack(buffer, mode, size, seconds, uid, gid, name, target);
            bytes += buffer.size() - before;
            if ((mode & 0170000) == 0040000) {
                ByteArrayOutputStream own = new ByteArrayOutputStream();
                pack(own, mode, size, seconds, uid, gid, name, target);
                String wireName = SftpNames.wire(name);
                directories.put(dir.isEmpty() ? wireName : dir + "/" + wireName, own.toByteArray());
                bytes += own.size();
            } else if ((mode & 0170000) == 0100000) {
                String path = dir.isEmpty() ? SftpNames.wire(name) : dir + "/" + SftpNames.wire(name);
                files.add(path);
                bytes += 2L * path.length() + 48; // about what a set holds for a string
            }
        }

        private static void pack(ByteArrayOutputStream buffer, int mode, long size, long seconds, int uid, int gid,
                                 byte[] name, byte[] target) {
            DataOutputStream out = new DataOutputStream(buffer);
            try {
                out.writeInt(mode);
                out.writeLong(size);
                out.writeLong(seconds & 0xFFFF_FFFFL);
                out.writeInt(uid);
                out.writeInt(gid);
                out.writeInt(name.length);
                out.write(name);
                out.writeInt(target.length);
                out.write(target);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // a byte array does not fail
            }
        }

        /** The bytes held so far. */
        long bytes() {
            return bytes;
        }

        TreeSnapshot build() {
            TreeMap<String, byte[]> listings = new TreeMap<>();
            for (var iterator = open.entrySet().iterator(); iterator.hasNext(); ) {
                var next = iterator.next();
                listings.put(next.getKey(), next.getValue().toByteArray());
                iterator.remove(); // one listing held twice at a time, not the whole tree
            }
            return new TreeSnapshot(listings, directories, files);
        }
    }
}

package dirsync.fs.s3;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.LinkTarget;
import dirsync.fs.Name;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What an object carries of an entry besides its content, as user metadata under rclone's key names where they mean
 * the same, so that each tool reads the other's: {@code mtime}, the modification time as seconds since the epoch with
 * a decimal fraction to the nanosecond (rclone's s3 backend); {@code mode}, the octal mode with the type bits,
 * {@code uid} and {@code gid}, decimal (rclone's metadata of local files). An object without them (written by
 * another tool) reads as mode 0644 (a directory 0755) and the object's Last-Modified time, owner unknown.
 */
final class ObjectAttributes {

    static final String MTIME = "mtime";
    static final String MODE = "mode";
    static final String UID = "uid";
    static final String GID = "gid";

    private static final int TYPE_FILE = 0100000;
    private static final int TYPE_DIRECTORY = 0040000;
    private static final int TYPE_LINK = 0120000;
    private static final int FILE_DEFAULT = 0644;
    private static final int DIRECTORY_DEFAULT = 0755;
    private static final BigDecimal BILLION = BigDecimal.valueOf(1_000_000_000L);
    private static final PosixFilePermission[] BITS = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

    private ObjectAttributes() {
    }

    /** The metadata that stores {@code entry}'s mode, time and (where known) owner. */
    static Map<String, String> of(Entry entry) {
        Map<String, String> metadata = new HashMap<>();
        metadata.put(MTIME, seconds(entry.modified()));
        int type = switch (entry.kind()) {
            case DIRECTORY -> TYPE_DIRECTORY;
            case SYMLINK -> TYPE_LINK;
            default -> TYPE_FILE;
        };
        int bits = entry.is(EntryKind.SYMLINK) ? 0777 : mode(entry.permissions()) | entry.owner().specialBits();
        metadata.put(MODE, Integer.toOctalString(type | bits));
        if (entry.owner().known()) {
            metadata.put(UID, Integer.toString(entry.owner().uid()));
            metadata.put(GID, Integer.toString(entry.owner().gid()));
        }
        return metadata;
    }

    /** A file as the object {@code metadata} describes, of {@code size} bytes, last written at {@code stored}. */
    static Entry file(Name name, long size, Instant stored, Map<String, String> metadata) {
        int mode = mode(metadata, FILE_DEFAULT);
        return Entry.file(name, size, time(metadata, stored), permissions(mode)).withOwner(owner(metadata, mode));
    }

    /** A directory with the marker's {@code metadata} (empty for a directory that only keys imply). */
    static Entry directory(Name name, Instant stored, Map<String, String> metadata) {
        int mode = mode(metadata, DIRECTORY_DEFAULT);
        return Entry.directory(name, time(metadata, stored), permissions(mode)).withOwner(owner(metadata, mode));
    }

    /** A link to {@code target}. */
    static Entry link(Name name, LinkTarget target, Instant stored, Map<String, String> metadata) {
        return Entry.symlink(name, target, time(metadata, stored)).withOwner(owner(metadata, 0));
    }

    /** Seconds since the epoch, a decimal fraction to the nanosecond ("1741064767.123456789", "-1.5"). */
    static String seconds(FileTime time) {
        Instant instant = time.toInstant();
        BigDecimal value = BigDecimal.valueOf(instant.getEpochSecond()).add(BigDecimal.valueOf(instant.getNano(), 9));
        return value.stripTrailingZeros().toPlainString();
    }

    private static FileTime time(Map<String, String> metadata, Instant stored) {
        String text = metadata.get(MTIME);
        if (text != null) {
            try {
                BigDecimal value = new BigDecimal(text.trim());
                BigDecimal whole = value.setScale(0, RoundingMode.FLOOR);
                long nanos = value.subtract(whole).multiply(BILLION).setScale(0, RoundingMode.FLOOR).longValueExact();
                return FileTime.from(Instant.ofEpochSecond(whole.longValueExact(), nanos));
            } catch (ArithmeticException | NumberFormatException notATime) {
                // another tool's value: the object's own time, as for an object without one
            }
        }
        return FileTime.from(stored);
    }

    private static int mode(Map<String, String> metadata, int fallback) {
        String text = metadata.get(MODE);
        if (text != null) {
            try {
                return Integer.parseInt(text.trim(), 8) & 07777;
            } catch (NumberFormatException notOctal) {
                // another tool's value: the default
            }
        }
        return fallback;
    }

    private static Entry.Owner owner(Map<String, String> metadata, int mode) {
        try {
            String uid = metadata.get(UID);
            String gid = metadata.get(GID);
            return uid == null || gid == null ? Entry.Owner.UNKNOWN
                    : new Entry.Owner(Integer.parseInt(uid.trim()), Integer.parseInt(gid.trim()), mode & 07000);
        } catch (NumberFormatException notANumber) {
            return Entry.Owner.UNKNOWN;
        }
    }

    private static int mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (int bit = 0; bit < BITS.length; bit++) {
            if (permissions.contains(BITS[bit])) {
                mode |= 1 << bit;
            }
        }
        return mode;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (int bit = 0; bit < BITS.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                permissions.add(BITS[bit]);
            }
        }
        return permissions;
    }
}

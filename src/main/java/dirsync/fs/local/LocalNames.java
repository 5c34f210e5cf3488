package dirsync.fs.local;

import java.nio.file.Path;

/** The exact bytes of a local path, whatever the locale (see {@link NameCodec}), for code outside a tree. */
public final class LocalNames {

    private LocalNames() {
    }

    /** The bytes of {@code path} made absolute, as the kernel knows them. */
    public static byte[] absoluteBytes(Path path) {
        Path absolute = path.toAbsolutePath();
        return NameCodec.of(absolute.getFileSystem()).bytes(absolute);
    }

    /** The platform's path of {@code bytes} (absolute if they start with '/'). */
    public static Path path(byte[] bytes) {
        java.nio.file.FileSystem platform = java.nio.file.FileSystems.getDefault();
        return NameCodec.of(platform).path(platform, bytes);
    }
}

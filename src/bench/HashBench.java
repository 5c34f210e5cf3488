import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * MD5 throughput of dirsync's hash loop against the MessageDigest ceiling. Single-file program:
 *
 * <pre>
 * java src/bench/HashBench.java [--size MiB] [--runs N] [--file PATH] [--keep]
 * </pre>
 *
 * Cases, each one untimed warm-up and then N timed runs (default 5), reported as median MB/s (10^6 bytes/s):
 * <ol>
 * <li>{@code heap}: MessageDigest.update(byte[]) over an in-memory buffer, in one call: the ceiling;</li>
 * <li>{@code direct-1MiB}: the same bytes in a direct buffer, hashed 1 MiB slice by slice through
 *     update(ByteBuffer), as dirsync's loop does, without the file;</li>
 * <li>{@code file-md5-loop}: a file of the same size through FileChannel + a 1 MiB direct buffer +
 *     update(ByteBuffer): the loop of src/main/java/dirsync/fs/Md5.java, replicated;</li>
 * <li>{@code file-heap-1MiB}: the file through FileChannel + a 1 MiB heap buffer + update(byte[], off, len);</li>
 * <li>{@code file-read-only}: the file read through the 1 MiB direct buffer, not hashed: the I/O part.</li>
 * </ol>
 * The file (default /tmp/dirsync-hashbench.bin) is written once, read once to put it in the page cache, and
 * deleted at the end unless --keep: the file cases measure a warm cache, as dirsync's passes over an
 * unchanged tree mostly see.
 */
public final class HashBench {

    private static final int CHUNK = 1 << 20;

    interface Case {
        byte[] run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        long sizeMiB = 1024;
        int runs = 5;
        Path file = Path.of("/tmp/dirsync-hashbench.bin");
        boolean keep = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--size" -> sizeMiB = Long.parseLong(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--file" -> file = Path.of(args[++i]);
                case "--keep" -> keep = true;
                default -> {
                    System.err.println("usage: java HashBench.java [--size MiB] [--runs N] [--file PATH] [--keep]");
                    System.exit(2);
                }
            }
        }
        long size = sizeMiB << 20;
        if (size > Integer.MAX_VALUE - 8) {
            System.err.println("--size: at most 2047 MiB (one Java array)");
            System.exit(2);
        }
        byte[] heap = new byte[(int) size];
        SplittableRandom r = new SplittableRandom(42);
        ByteBuffer fill = ByteBuffer.wrap(heap);
        while (fill.remaining() >= 8) {
            fill.putLong(r.nextLong());
        }
        ByteBuffer direct = ByteBuffer.allocateDirect((int) size);
        direct.put(heap).flip();

        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) != size) {
            Files.write(file, heap);
        }
        final Path f = file;
        readOnly(f); // into the page cache

        System.out.printf(Locale.ROOT, "java %s, %s; %d MiB, %d runs each (+1 warm-up)%n",
                System.getProperty("java.version"), MessageDigest.getInstance("MD5").getProvider(), sizeMiB, runs);
        System.out.printf(Locale.ROOT, "%-16s %10s %-19s %s%n", "case", "MB/s", "min-max", "md5");
        String expected = null;
        Case[] cases = {
            () -> md5().digest(heap),
            () -> {
                MessageDigest d = md5();
                for (int off = 0; off < direct.capacity(); off += CHUNK) {
                    d.update(direct.slice(off, Math.min(CHUNK, direct.capacity() - off)));
                }
                return d.digest();
            },
            () -> md5Loop(f),
            () -> heapLoop(f),
            () -> { readOnly(f); return null; },
        };
        String[] names = {"heap", "direct-1MiB", "file-md5-loop", "file-heap-1MiB", "file-read-only"};
        for (int c = 0; c < cases.length; c++) {
            cases[c].run();
            double[] mbs = new double[runs];
            byte[] hash = null;
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                hash = cases[c].run();
                mbs[i] = size / ((System.nanoTime() - t0) / 1e9) / 1e6;
            }
            Arrays.sort(mbs);
            String hex = hash == null ? "-" : HexFormat.of().formatHex(hash);
            if (hash != null && expected == null) {
                expected = hex;
            } else if (hash != null && !hex.equals(expected)) {
                hex += " MISMATCH";
            }
            System.out.printf(Locale.ROOT, "%-16s %10.0f %-19s %s%n", names[c], mbs[runs / 2],
                    String.format(Locale.ROOT, "%.0f-%.0f", mbs[0], mbs[runs - 1]), hex);
        }
        if (!keep) {
            Files.delete(file);
        }
    }

    private static MessageDigest md5() throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("MD5");
    }

    /** The loop of dirsync.fs.Md5.of: FileChannel, 1 MiB direct buffer, update(ByteBuffer). */
    private static byte[] md5Loop(Path file) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = md5();
        ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
        digest.reset();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            while (true) {
                buffer.clear();
                if (channel.read(buffer) < 0) {
                    break;
                }
                buffer.flip();
                digest.update(buffer);
            }
        }
        return digest.digest();
    }

    private static byte[] heapLoop(Path file) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = md5();
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            while (true) {
                buffer.clear();
                if (channel.read(buffer) < 0) {
                    break;
                }
                digest.update(buffer.array(), 0, buffer.position());
            }
        }
        return digest.digest();
    }

    private static void readOnly(Path file) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            while (true) {
                buffer.clear();
                if (channel.read(buffer) < 0) {
                    break;
                }
            }
        }
    }
}

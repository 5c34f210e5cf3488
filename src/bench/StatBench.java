import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How much one entry's attribute read costs in Java, by the attributes asked for: reads every entry of a tree
 * (warm cache, one lstat each, never following a link) with each way in turn, in a fresh JVM state per round
 * order, and prints the pass thread's CPU time per entry (median of the rounds, with min-max). See README.md.
 *
 * <pre>java [--add-opens java.base/sun.nio.fs=ALL-UNNAMED] src/bench/StatBench.java TREE [--rounds N]</pre>
 */
public final class StatBench {

    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final String NOW = "unix:mode,size,lastModifiedTime,ctime,ino,dev,permissions,uid,gid,nlink";
    private static final String NARROW = "unix:mode,size,lastModifiedTime,ctime,ino,dev,uid,gid,nlink";
    private static final String IDENTITY = "unix:size,lastModifiedTime,ctime,ino,dev";
    @SuppressWarnings("unchecked")
    private static final Set<PosixFilePermission>[] MODES = new Set[512];

    static {
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE
        for (int mode = 0; mode < 512; mode++) {
            EnumSet<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
            for (int i = 0; i < 9; i++) {
                if ((mode & (0400 >> i)) != 0) {
                    set.add(bits[i]);
                }
            }
            MODES[mode] = Set.copyOf(set);
        }
    }

    interface Way {
        long read(Path path) throws IOException;
    }

    public static void main(String[] args) throws IOException {
        Path tree = Path.of(args[0]);
        int rounds = args.length > 2 && args[1].equals("--rounds") ? Integer.parseInt(args[2]) : 7;
        List<Path> entries = new ArrayList<>();
        collect(tree, entries);
        String[] names = {"unix: as now (with permissions)", "unix: without permissions, mode table",
                "unix: identity only (recheck)", "PosixFileAttributes (no ctime, ino)",
                "Posix + its unix fields (add-opens)", "the same relative to the dir (fstatat)"};
        Way[] ways = {
                path -> {
                    Map<String, Object> a = Files.readAttributes(path, NOW, NOFOLLOW);
                    return (Integer) a.get("mode") + ((Set<?>) a.get("permissions")).size() + (Long) a.get("ino");
                },
                path -> {
                    Map<String, Object> a = Files.readAttributes(path, NARROW, NOFOLLOW);
                    int mode = (Integer) a.get("mode");
                    return mode + MODES[mode & 0777].size() + (Long) a.get("ino");
                },
                path -> {
                    Map<String, Object> a = Files.readAttributes(path, IDENTITY, NOFOLLOW);
                    return ((FileTime) a.get("ctime")).toMillis() + (Long) a.get("ino");
                },
                path -> {
                    PosixFileAttributes a = Files.readAttributes(path, PosixFileAttributes.class, NOFOLLOW);
                    return a.permissions().size() + a.size();
                },
                path -> {
                    PosixFileAttributes a = Files.readAttributes(path, PosixFileAttributes.class, NOFOLLOW);
                    return unixFields(a);
                },
                path -> {
                    PosixFileAttributes a = relative(path);
                    return unixFields(a);
                },
        };
        if (FIELDS == null) {
            ways = Arrays.copyOf(ways, 4); // the last two need the JDK's sun.nio.fs opened
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[][] nanos = new long[ways.length][rounds];
        long sink = 0;
        for (int round = 0; round < rounds; round++) {
            for (int w = 0; w < ways.length; w++) {
                long start = threads.getCurrentThreadCpuTime();
                for (Path path : entries) {
                    sink += ways[w].read(path);
                }
                nanos[w][round] = threads.getCurrentThreadCpuTime() - start;
            }
        }
        System.out.printf("%,d entries, %d rounds (the first is the cold JIT of a short run), CPU ns per entry%n",
                entries.size(), rounds);
        for (int w = 0; w < ways.length; w++) {
            long first = nanos[w][0];
            long[] sorted = nanos[w].clone();
            Arrays.sort(sorted);
            System.out.printf("%-42s first %6d  median %6d  (%d-%d)%n", names[w], first / entries.size(),
                    sorted[rounds / 2] / entries.size(), sorted[0] / entries.size(),
                    sorted[rounds - 1] / entries.size());
        }
        System.out.println(sink == 42 ? "" : "(checksum " + (sink & 0xff) + ")");
    }

    private static final java.lang.invoke.MethodHandle[] FIELDS = fields();
    private static Path openDir;
    private static java.nio.file.SecureDirectoryStream<Path> openStream;

    /** The platform's attributes' own dev, ino, ctime, nlink, uid, gid, mode: needs --add-opens java.base/sun.nio.fs. */
    private static java.lang.invoke.MethodHandle[] fields() {
        try {
            Class<?> type = Class.forName("sun.nio.fs.UnixFileAttributes");
            java.lang.invoke.MethodHandles.Lookup lookup = java.lang.invoke.MethodHandles.privateLookupIn(type,
                    java.lang.invoke.MethodHandles.lookup());
            String[] names = {"dev", "ino", "ctime", "nlink", "uid", "gid", "mode"};
            java.lang.invoke.MethodHandle[] handles = new java.lang.invoke.MethodHandle[names.length];
            for (int i = 0; i < names.length; i++) {
                java.lang.reflect.Method method = type.getDeclaredMethod(names[i]);
                handles[i] = lookup.unreflect(method).asType(java.lang.invoke.MethodType.methodType(
                        method.getReturnType(), PosixFileAttributes.class));
            }
            return handles;
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.out.println("(no unix fields: " + e + ")");
            return null;
        }
    }

    private static long unixFields(PosixFileAttributes a) throws IOException {
        try {
            long dev = (long) FIELDS[0].invokeExact(a);
            long ino = (long) FIELDS[1].invokeExact(a);
            FileTime ctime = (FileTime) FIELDS[2].invokeExact(a);
            int nlink = (int) FIELDS[3].invokeExact(a);
            int uid = (int) FIELDS[4].invokeExact(a);
            int gid = (int) FIELDS[5].invokeExact(a);
            int mode = (int) FIELDS[6].invokeExact(a);
            return dev + ino + ctime.toMillis() + nlink + uid + gid + MODES[mode & 0777].size() + a.size()
                    + a.lastModifiedTime().toMillis();
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** The entry's attributes read relative to its directory's open stream (one open per directory). */
    @SuppressWarnings("unchecked")
    private static PosixFileAttributes relative(Path path) throws IOException {
        Path dir = path.getParent();
        if (!dir.equals(openDir)) {
            if (openStream != null) {
                openStream.close();
            }
            openStream = (java.nio.file.SecureDirectoryStream<Path>) Files.newDirectoryStream(dir);
            openDir = dir;
        }
        return openStream.getFileAttributeView(path.getFileName(), java.nio.file.attribute.PosixFileAttributeView.class,
                NOFOLLOW).readAttributes();
    }

    private static void collect(Path dir, List<Path> entries) throws IOException {
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path child : stream) {
                entries.add(child);
                if (Files.isDirectory(child, NOFOLLOW)) {
                    collect(child, entries);
                }
            }
        }
    }
}

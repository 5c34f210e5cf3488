package dirsync.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The versions a replica's files may hold after a run was killed or cut off: for each name, the MD5 of every
 * source tree's file of that name the runs copied from. {@link #inspect} then tells, from outside, what a run left:
 * its temporary files (the only debris allowed), and each file under a real name that holds none of its name's
 * versions (torn: a prefix, a mix), or that no source had.
 */
final class ReplicaVersions {

    private static final int BUFFER = 1 << 20;

    private final Map<String, Set<String>> allowed = new HashMap<>();

    /** Each regular file of {@code tree}, as it is now, becomes a version its name may hold. */
    void add(Path tree) throws IOException {
        for (Path file : regularFiles(tree)) {
            allowed.computeIfAbsent(tree.relativize(file).toString(), name -> new TreeSet<>()).add(md5(file));
        }
    }

    /** What {@code replica} holds now: its temporary files and its files that hold no allowed version. */
    Inspection inspect(Path replica) throws IOException {
        List<Path> temporary = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (!Files.exists(replica)) {
            return new Inspection(temporary, problems);
        }
        for (Path file : regularFiles(replica)) {
            String name = replica.relativize(file).toString();
            if (JarRuns.TEMP_NAME.matcher(file.getFileName().toString()).matches()) {
                temporary.add(file); // debris the next pass deletes; whatever it holds, it is not under a real name
                continue;
            }
            Set<String> versions = allowed.get(name);
            String hash = md5(file);
            if (versions == null) {
                problems.add(name + ": a file no source had (" + Files.size(file) + " bytes, md5 " + hash + ")");
            } else if (!versions.contains(hash)) {
                problems.add(name + ": torn (" + Files.size(file) + " bytes, md5 " + hash + ", expected one of "
                        + versions + ")");
            }
        }
        return new Inspection(temporary, problems);
    }

    /** What a killed or cut-off run left: temporary files, and the files under real names that should not be. */
    record Inspection(List<Path> temporary, List<String> problems) {
    }

    /** The regular files under {@code root}, sorted by path. */
    static List<Path> regularFiles(Path root) throws IOException {
        Map<String, Path> files = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    files.put(file.toString(), file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE; // a temporary file a server session removed meanwhile
                }
                throw e;
            }
        });
        return new ArrayList<>(files.values());
    }

    static String md5(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            while (in.read(buffer.clear()) >= 0) {
                digest.update(buffer.flip());
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}

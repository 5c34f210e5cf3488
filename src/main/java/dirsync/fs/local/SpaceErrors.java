package dirsync.fs.local;

import dirsync.fs.OutOfSpaceException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;

/**
 * Tells a lack of space among the failures of a local file system without reading English. The JVM words an errno
 * as the C library's strerror does, in the language of its locale: the words for ENOSPC are learnt from this very
 * JVM, by writing a byte to /dev/full; EDQUOT has no such device, so its words are looked up in the C library's
 * message catalog that gives ENOSPC the words learnt. The English words are known too. Learnt once, when the
 * first failure is looked at: a run whose copies all fit never learns them.
 */
final class SpaceErrors {

    static final String NO_SPACE = "No space left on device";
    static final String NO_QUOTA = "Disk quota exceeded";

    private static final Path FULL_DEVICE = Path.of("/dev/full");
    private static final List<Path> CATALOGS = List.of(Path.of("/usr/share/locale"),
            Path.of("/usr/share/locale-langpack"));

    /** Words that say no space is left, each as a failure's reason has it (or contains it). */
    private final Set<String> words;

    SpaceErrors(Set<String> words) {
        this.words = Set.copyOf(words);
    }

    /** The platform's words, learnt at the first call. */
    static SpaceErrors platform() {
        return Learnt.PLATFORM;
    }

    private static final class Learnt {
        static final SpaceErrors PLATFORM = learn();
    }

    /** {@code failure} as an {@link OutOfSpaceException} if it, or a failure it stems from, says so; else itself. */
    IOException typed(IOException failure) {
        return failure instanceof OutOfSpaceException || !lackOfSpace(failure) ? failure
                : OutOfSpaceException.from(failure);
    }

    /**
     * What a stage that failed with {@code failure} passes on to the stages after it, typed as {@link #typed}
     * does: a {@link CompletionException}, as the failure of a stage is passed on.
     */
    CompletionException typedStage(Throwable failure) {
        Throwable inner = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (inner instanceof IOException io && typed(io) != io) {
            return new CompletionException(typed(io));
        }
        return failure instanceof CompletionException passed ? passed : new CompletionException(failure);
    }

    boolean lackOfSpace(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String reason = cause instanceof FileSystemException fse ? fse.getReason() : cause.getMessage();
            if (reason != null && words.stream().anyMatch(reason::contains)) {
                return true;
            }
        }
        return false;
    }

    private static SpaceErrors learn() {
        Set<String> known = new LinkedHashSet<>(List.of(NO_SPACE, NO_QUOTA));
        Optional<String> noSpace = wordsOfAFullDevice();
        if (noSpace.isPresent() && !noSpace.get().equals(NO_SPACE)) {
            known.add(noSpace.get());
            quotaWordsBeside(noSpace.get()).ifPresent(known::add);
        }
        return new SpaceErrors(known);
    }

    /** What this JVM says when a write finds no space: the failure of a byte written to /dev/full. */
    static Optional<String> wordsOfAFullDevice() {
        FileChannel full;
        try {
            full = FileChannel.open(FULL_DEVICE, StandardOpenOption.WRITE);
        } catch (IOException | UnsupportedOperationException none) {
            return Optional.empty(); // no such device here
        }
        try (full) {
            full.write(ByteBuffer.allocate(1));
            return Optional.empty(); // it took the byte: not the device it should be
        } catch (IOException e) {
            return Optional.ofNullable(e.getMessage()).map(String::strip).filter(said -> !said.isEmpty());
        }
    }

    /** EDQUOT's words in the C library's catalog whose words for ENOSPC are {@code noSpace}, if one has them. */
    private static Optional<String> quotaWordsBeside(String noSpace) {
        for (Path root : CATALOGS) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (DirectoryStream<Path> languages = Files.newDirectoryStream(root)) {
                for (Path language : languages) {
                    Map<String, String> found = MessageCatalog.lookUp(language.resolve("LC_MESSAGES/libc.mo"),
                            Set.of(NO_SPACE, NO_QUOTA));
                    if (noSpace.equals(found.get(NO_SPACE)) && found.containsKey(NO_QUOTA)) {
                        return Optional.of(found.get(NO_QUOTA));
                    }
                }
            } catch (IOException | RuntimeException unreadable) {
                // no catalogs to learn from here: the English words and ENOSPC's learnt ones are all there is
            }
        }
        return Optional.empty();
    }
}

package dirsync.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The patterns of {@code --exclude-from} files: one a line, blank lines and {@code #} comments skipped. */
final class ExcludeFiles {

    private ExcludeFiles() {
    }

    /** The {@code --exclude} patterns, then those of each {@code --exclude-from} file, in order. */
    static List<String> patterns(List<String> given, List<Path> files) throws IOException {
        List<String> patterns = new ArrayList<>(given);
        for (Path file : files) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String pattern = line.strip();
                if (!pattern.isEmpty() && !pattern.startsWith("#")) {
                    patterns.add(pattern);
                }
            }
        }
        return patterns;
    }
}

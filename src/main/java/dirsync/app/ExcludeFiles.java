package dirsync.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The exclude patterns of a run: those given one by one ({@code --exclude}), then those of the pattern files. */
final class ExcludeFiles {

    private ExcludeFiles() {
    }

    /** {@code patterns}, then the lines of each file in turn; blank lines and {@code #} comments are skipped. */
    static List<String> patterns(List<String> patterns, List<Path> files) throws IOException {
        List<String> all = new ArrayList<>(patterns);
        for (Path file : files) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String pattern = line.strip();
                if (!pattern.isEmpty() && !pattern.startsWith("#")) {
                    all.add(pattern);
                }
            }
        }
        return all;
    }
}

package dirsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompletionScriptTest {

    @TempDir
    Path tmp;

    @Test
    void writesABashCompletionForEveryOptionToTheNamedFile() throws Exception {
        Path output = tmp.resolve("not/yet/there/dirsync.bash");

        CompletionScript.main(new String[] {output.toString()});

        assertThat(Files.readString(output))
                .isEqualTo(CompletionScript.bash())
                .contains("--once", "--dry-run", "--max-delete", "--allow-empty-source", "--verbose", "--help")
                .contains("complete -F ")
                .contains(" dirsync");
    }
}

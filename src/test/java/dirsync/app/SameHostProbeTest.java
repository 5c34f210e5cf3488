package dirsync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probe behind the same-host check, with the server played by a function over this machine's files. */
class SameHostProbeTest {

    @TempDir
    Path state;

    /** A server that shows this machine's files: it reads the probe where it was written. */
    private final List<Path> asked = new ArrayList<>();

    private Optional<byte[]> readHere(byte[] path, int limit) throws IOException {
        Path file = Path.of(new String(path, java.nio.charset.StandardCharsets.UTF_8));
        asked.add(file);
        byte[] content = Files.readAllBytes(file);
        return Optional.of(java.util.Arrays.copyOf(content, Math.min(limit, content.length)));
    }

    @Test
    void aServerThatReadsTheTokenAtTheSamePathIsThisHost() throws IOException {
        SameHostProbe.Verdict verdict = SameHostProbe.run(state, this::readHere);

        assertThat(verdict).isInstanceOf(SameHostProbe.ThisHost.class);
        assertThat(asked).singleElement().satisfies(probe -> assertThat(probe.getParent()).isEqualTo(state));
    }

    @Test
    void theProbeFileIsGoneAfterwardsWhateverTheAnswer() throws IOException {
        SameHostProbe.run(state, this::readHere);
        SameHostProbe.run(state, (path, limit) -> Optional.empty());

        try (var left = Files.list(state)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aServerWithoutTheFileIsAnotherHost() throws IOException {
        assertThat(SameHostProbe.run(state, (path, limit) -> Optional.empty()))
                .isInstanceOf(SameHostProbe.OtherHost.class);
    }

    @Test
    void aServerWithAnotherFileAtThatPathIsAnotherHost() throws IOException {
        assertThat(SameHostProbe.run(state, (path, limit) -> Optional.of("dirsync same-host probe 00\n".getBytes())))
                .isInstanceOf(SameHostProbe.OtherHost.class);
    }

    @Test
    void aServerThatMayNotReadTheProbeCannotTellAndSaysWhy() throws IOException {
        SameHostProbe.Verdict verdict = SameHostProbe.run(state, (path, limit) -> {
            throw new AccessDeniedException("probe", null, "Permission denied");
        });

        assertThat(verdict).isInstanceOfSatisfying(SameHostProbe.CannotTell.class, cannot -> assertThat(cannot.reason())
                .contains("the server cannot read the probe file", "permission denied"));
    }

    @Test
    void aStateDirectoryWhereNoProbeCanBeWrittenCannotTell() throws IOException {
        Path missing = state.resolve("no/such/dir");

        assertThat(SameHostProbe.run(missing, this::readHere)).isInstanceOfSatisfying(SameHostProbe.CannotTell.class,
                cannot -> assertThat(cannot.reason()).contains("cannot write a probe file in '" + missing + "'"));
        assertThat(asked).isEmpty();
    }

    @Test
    void aConnectionLostWhileAskingIsNoAnswerAtAll() {
        assertThatThrownBy(() -> SameHostProbe.run(state, (path, limit) -> {
            throw new IOException("the connection was closed");
        })).isInstanceOf(IOException.class).hasMessage("the connection was closed");
    }
}

package dirsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the lock and the hash memory live, as README's "One instance per replica" and "Hash memory" say. */
class StatePlacesTest {

    @Test
    void theLockIsAlwaysInJavaIoTmpdirWhateverTheEnvironmentSays() {
        StatePlaces places = StatePlaces.of(Map.of("STATE_DIRECTORY", "/var/lib/dirsync", "XDG_STATE_HOME",
                "/home/ana/.state", "HOME", "/home/ana"), "/tmp", "/home/ana");

        assertThat(places.lockDirectory()).isEqualTo(Path.of("/tmp"));
    }

    @Test
    void theMemoryIsInSystemdsStateDirectoryFirstTheFirstOfSeveral() {
        StatePlaces places = StatePlaces.of(Map.of("STATE_DIRECTORY", "/var/lib/dirsync:/var/lib/other",
                "XDG_STATE_HOME", "/home/ana/.state", "HOME", "/home/ana"), "/tmp", "/home/ana");

        assertThat(places.memoryDirectory()).isEqualTo(Path.of("/var/lib/dirsync"));
    }

    @Test
    void theMemoryIsInXdgStateHomeWithoutSystemd() {
        StatePlaces places = StatePlaces.of(Map.of("XDG_STATE_HOME", "/home/ana/.state", "HOME", "/home/ana"),
                "/tmp", "/root");

        assertThat(places.memoryDirectory()).isEqualTo(Path.of("/home/ana/.state/dirsync"));
    }

    @Test
    void theMemoryIsInTheHomesLocalStateWithoutXdgStateHome() {
        StatePlaces places = StatePlaces.of(Map.of("HOME", "/home/ana"), "/tmp", "/root");

        assertThat(places.memoryDirectory()).isEqualTo(Path.of("/home/ana/.local/state/dirsync"));
    }

    @Test
    void relativePathsInTheVariablesAreIgnoredAsTheXdgSpecificationAsks() {
        StatePlaces places = StatePlaces.of(Map.of("STATE_DIRECTORY", "state", "XDG_STATE_HOME", ".state"),
                "/tmp", "/home/ana");

        assertThat(places.memoryDirectory()).isEqualTo(Path.of("/home/ana/.local/state/dirsync"));
    }

    @Test
    void theMemoryIsWithTheLockWhenThereIsNoHome() {
        StatePlaces places = StatePlaces.of(Map.of(), "/tmp", "?");

        assertThat(places).isEqualTo(StatePlaces.in(Path.of("/tmp")));
    }

    @Test
    void runsGivenAJavaIoTmpdirOfTheirOwnKeepEverythingThere() {
        StatePlaces places = StatePlaces.of(Map.of("STATE_DIRECTORY", "/var/lib/dirsync", "HOME", "/home/ana"),
                "/var/tmp/mine", "/home/ana");

        assertThat(places).isEqualTo(StatePlaces.in(Path.of("/var/tmp/mine")));
    }
}

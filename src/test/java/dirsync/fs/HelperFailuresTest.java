package dirsync.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** A helper's failure as its waiter throws it: as if the waiter had done the work itself. */
class HelperFailuresTest {

    @Test
    void anIOExceptionIsItself() {
        IOException gone = new NoSuchFileException("a");

        assertThat(HelperFailures.rethrown(gone)).isSameAs(gone);
    }

    @Test
    void anUncheckedIOExceptionIsItsIOException() {
        IOException gone = new NoSuchFileException("a");

        assertThat(HelperFailures.rethrown(new UncheckedIOException(gone))).isSameAs(gone);
    }

    @Test
    void uncheckedFailuresAreThrownAsTheyAre() {
        IllegalStateException bug = new IllegalStateException("bug");
        OutOfMemoryError full = new OutOfMemoryError("heap");

        assertThatThrownBy(() -> HelperFailures.rethrown(bug)).isSameAs(bug);
        assertThatThrownBy(() -> HelperFailures.rethrown(full)).isSameAs(full);
    }

    @Test
    void anotherCheckedFailureIsCarriedByAnIOException() {
        Exception other = new Exception("checked");

        assertThat(HelperFailures.rethrown(other)).isExactlyInstanceOf(IOException.class).hasCause(other);
    }
}

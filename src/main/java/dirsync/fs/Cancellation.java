package dirsync.fs;

import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/** Asked between chunks of long operations, so that a stop request ends a pass within moments. */
@FunctionalInterface
public interface Cancellation {

    Cancellation NEVER = () -> false;

    boolean isRequested();

    static Cancellation of(BooleanSupplier requested) {
        return requested::getAsBoolean;
    }

    default void check() {
        if (isRequested()) {
            throw new CancellationException("stop requested");
        }
    }
}

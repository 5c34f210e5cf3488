package watchbench;

/** A failure that ends the benchmark with one line on stderr and exit code 1. */
final class BenchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BenchException(String message) {
        super(message);
    }
}

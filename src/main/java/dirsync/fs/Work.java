package dirsync.fs;

/**
 * What a long operation carries along from the thread that asks for it: the stop request to watch between
 * chunks, that thread's own digest (for verifying copies), and the pass's counters.
 */
public record Work(Cancellation cancellation, Md5 md5, Progress progress) {
}

package dirsync.fs;

/** A count and its noun, singular for one: "1 entry", "2 entries", "1 byte". Here so that every package can say it. */
public final class Counts {

    private Counts() {
    }

    /** {@code n} and its noun: "1 entry", "0 entries". */
    public static String of(long n, String singular, String plural) {
        return n + " " + noun(n, singular, plural);
    }

    /** The noun for {@code n} alone, for a count written otherwise ("12,345 entries"). */
    public static String noun(long n, String singular, String plural) {
        return n == 1 ? singular : plural;
    }
}

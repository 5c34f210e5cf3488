package dirsync.fs.s3;

/**
 * When a file goes up in parts, and how large they are. A file of up to {@code multipartAbove} bytes is read into
 * memory and sent in one PUT; a larger one is a multipart upload of parts of {@code partSize} bytes (the last one
 * shorter), grown where needed so that no file has more than S3's 10,000 parts.
 * <p>
 * The default is the AWS CLI's: 8 MiB and 8 MiB. S3 (and S3Proxy, MinIO) take no part under 5 MiB but the last.
 *
 * @param multipartAbove the largest file sent in one PUT, at least 5 MiB
 * @param partSize       the size of each part but the last, at least 5 MiB
 * @param largestCopy    the largest object copied onto itself (a new mode or time) in one CopyObject, and the size
 *                       of the ranges a larger one is copied in: S3's 5 GiB, at least 5 MiB
 */
public record PartSizes(long multipartAbove, int partSize, long largestCopy) {

    /** The AWS CLI's {@code multipart_threshold} and {@code multipart_chunksize}. */
    public static final PartSizes DEFAULT = new PartSizes(8L << 20, 8 << 20);
    /** S3's largest object copied in one request: 5 GiB. */
    static final long LARGEST_COPY = 5L << 30;
    /** S3's smallest part but the last. */
    public static final int SMALLEST_PART = 5 << 20;

    /** S3's most parts in one upload. */
    static final int MOST_PARTS = 10_000;
    /** S3's largest object: 5 TiB. */
    static final long LARGEST_OBJECT = 5L << 40;
    private static final long MIB = 1 << 20;

    public PartSizes {
        if (multipartAbove < SMALLEST_PART || partSize < SMALLEST_PART || largestCopy < SMALLEST_PART
                || largestCopy > LARGEST_COPY) {
            throw new IllegalArgumentException("part sizes: " + multipartAbove + ", " + partSize + ", " + largestCopy);
        }
    }

    /** Files over {@code multipartAbove} in parts of {@code partSize}, objects copied as S3 allows. */
    public PartSizes(long multipartAbove, int partSize) {
        this(multipartAbove, partSize, LARGEST_COPY);
    }

    /** Whether a file of {@code size} bytes goes up in parts. */
    boolean multipart(long size) {
        return size > multipartAbove;
    }

    /** The size of the parts of a file of {@code size} bytes: {@code partSize}, or whole MiB for 10,000 parts. */
    long partOf(long size) {
        long fewest = (size + MOST_PARTS - 1) / MOST_PARTS;
        return fewest <= partSize ? partSize : (fewest + MIB - 1) / MIB * MIB;
    }
}

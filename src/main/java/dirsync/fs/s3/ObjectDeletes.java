package dirsync.fs.s3;

import dirsync.fs.Cancellation;
import dirsync.fs.RelPath;
import dirsync.fs.TreeDeletion;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Deletions with DeleteObjects, up to 1,000 keys a request: an entry's forms at once (a file's object and a link's),
 * and a directory's whole subtree, listed first by its prefix: files and links in batches, then the markers, deepest
 * first, so a stop or a failure leaves directories that still hold what was not deleted.
 */
final class ObjectDeletes {

    private static final int BATCH = 1000;

    private final S3Calls calls;
    private final S3Keys keys;

    ObjectDeletes(S3Calls calls, S3Keys keys) {
        this.calls = calls;
        this.keys = keys;
    }

    /** The file or link at {@code path} (both forms, if a crash left both). */
    void delete(RelPath path) throws IOException {
        List<String> forms = new ArrayList<>();
        forms.add(keys.link(path));
        if (!path.name().text().endsWith(S3Keys.LINK_SUFFIX)) {
            forms.add(keys.file(path));
        }
        List<S3Error> errors = batch(forms);
        if (!errors.isEmpty()) {
            throw new IOException(errors.get(0).key() + ": the object store did not delete it ("
                    + errors.get(0).code() + "): " + errors.get(0).message());
        }
    }

    TreeDeletion deleteTree(RelPath dir, Cancellation cancellation) {
        List<TreeDeletion.Failure> failures = new ArrayList<>();
        List<String> all;
        String prefix;
        try {
            prefix = keys.directory(dir);
            all = keysUnder(prefix);
        } catch (IOException e) {
            return new TreeDeletion(0, 0, List.of(new TreeDeletion.Failure(dir, e)));
        }
        List<String> objects = all.stream().filter(key -> !key.endsWith("/")).toList();
        Set<String> directories = directories(prefix, all);
        long nonDirectories = 0;
        for (int from = 0; from < objects.size(); from += BATCH) {
            if (cancellation.isRequested()) {
                return new TreeDeletion(nonDirectories, 0, failures);
            }
            List<String> batch = objects.subList(from, Math.min(objects.size(), from + BATCH));
            nonDirectories += batch.size() - failed(batch, failures);
        }
        if (cancellation.isRequested() || !failures.isEmpty()) {
            return new TreeDeletion(nonDirectories, 0, failures); // every directory kept, with what it still holds
        }
        List<String> markers = directories.stream()
                .sorted(Comparator.comparingInt((String key) -> key.length()).reversed()).toList();
        long deletedDirectories = 0;
        for (int from = 0; from < markers.size(); from += BATCH) {
            List<String> batch = markers.subList(from, Math.min(markers.size(), from + BATCH));
            deletedDirectories += batch.size() - failed(batch, failures);
        }
        return new TreeDeletion(nonDirectories, deletedDirectories, failures);
    }

    /** How many entries the tree at {@code path} holds, itself included. */
    long countTree(RelPath path, Cancellation cancellation) {
        try {
            String prefix = keys.directory(path);
            List<String> all = keysUnder(prefix);
            if (all.isEmpty()) {
                return 1;
            }
            cancellation.check();
            return all.stream().filter(key -> !key.endsWith("/")).count() + directories(prefix, all).size();
        } catch (IOException e) {
            return 1;
        }
    }

    /** The deletion of {@code batch}: how many failed, each added to {@code failures}. */
    private int failed(List<String> batch, List<TreeDeletion.Failure> failures) {
        try {
            List<S3Error> errors = batch(batch);
            for (S3Error error : errors) {
                failures.add(new TreeDeletion.Failure(keys.path(error.key()), new IOException(error.key()
                        + ": the object store did not delete it (" + error.code() + "): " + error.message())));
            }
            return errors.size();
        } catch (IOException e) {
            failures.add(new TreeDeletion.Failure(keys.path(batch.get(0)), e));
            return batch.size();
        }
    }

    private List<S3Error> batch(List<String> keysToDelete) throws IOException {
        List<ObjectIdentifier> identifiers = keysToDelete.stream()
                .map(key -> ObjectIdentifier.builder().key(key).build()).toList();
        DeleteObjectsResponse response = calls.call(keysToDelete.get(0), () -> calls.client().deleteObjects(
                request -> request.bucket(calls.bucket()).delete(delete -> delete.objects(identifiers).quiet(true))));
        return response.errors();
    }

    /** Every key under {@code prefix}, the marker of the directory itself included. */
    private List<String> keysUnder(String prefix) throws IOException {
        return calls.call(prefix, () -> {
            List<String> found = new ArrayList<>();
            for (var page : calls.client().listObjectsV2Paginator(request -> request.bucket(calls.bucket())
                    .prefix(prefix))) {
                found.addAll(page.contents().stream().map(S3Object::key).collect(Collectors.toList()));
            }
            return found;
        });
    }

    /** The marker keys of the directory at {@code prefix} and of every directory {@code all} has or implies. */
    private static Set<String> directories(String prefix, List<String> all) {
        Set<String> directories = new HashSet<>();
        directories.add(prefix);
        for (String key : all) {
            for (int slash = key.indexOf('/', prefix.length()); slash >= 0; slash = key.indexOf('/', slash + 1)) {
                directories.add(key.substring(0, slash + 1));
            }
        }
        return directories;
    }
}

package dirsync.fs.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a pass's snapshot of the replica still serves after the pass renamed a directory. */
class TreeSnapshotTest {

    /** {@code top/} holding {@code x} and {@code sub/y}, {@code other/z}, {@code old/} holding {@code w}. */
    private static TreeSnapshot snapshot() {
        TreeSnapshot.Builder builder = new TreeSnapshot.Builder();
        entry(builder, "", "top", 040755);
        entry(builder, "", "other", 040755);
        entry(builder, "", "old", 040755);
        entry(builder, "top", "x", 0100644);
        entry(builder, "top", "sub", 040755);
        entry(builder, "top/sub", "y", 0100644);
        entry(builder, "other", "z", 0100644);
        entry(builder, "old", "w", 0100644);
        return builder.build();
    }

    private static void entry(TreeSnapshot.Builder builder, String dir, String name, int mode) {
        builder.entry(dir, name.getBytes(StandardCharsets.US_ASCII), mode, 1, 1_700_000_000L, 0, 0, new byte[0]);
    }

    private static List<String> names(TreeSnapshot snapshot, String dir) {
        return snapshot.take(dir).orElseThrow().stream()
                .map(raw -> new String(raw.name(), StandardCharsets.US_ASCII)).toList();
    }

    @Test
    void aRenamedDirectorysListingsAreServedUnderItsNewName() {
        TreeSnapshot snapshot = snapshot();
        snapshot.take("");

        snapshot.renamed("top", "other/moved");

        assertThat(names(snapshot, "other/moved")).containsExactly("x", "sub");
        assertThat(names(snapshot, "other/moved/sub")).containsExactly("y");
        assertThat(snapshot.take("top")).isEmpty();
        assertThat(snapshot.take("top/sub")).isEmpty();
    }

    @Test
    void aRenameForgetsBothParentsListings() {
        TreeSnapshot snapshot = snapshot();

        snapshot.renamed("top/sub", "other/sub");

        assertThat(snapshot.take("top")).isEmpty();
        assertThat(snapshot.take("other")).isEmpty();
        assertThat(names(snapshot, "other/sub")).containsExactly("y");
    }

    @Test
    void whatTheSnapshotHeldUnderTheNewNameIsDropped() {
        TreeSnapshot snapshot = snapshot();

        snapshot.renamed("other", "old");

        assertThat(names(snapshot, "old")).containsExactly("z");
        assertThat(snapshot.directories()).isEqualTo(2); // top and top/sub; the root forgotten, old taken
    }

    @Test
    void aListedFileHoldsUntilThePassChangesItOrWhatHoldsIt() {
        TreeSnapshot snapshot = snapshot();
        snapshot.take("top"); // serving a listing does not forget its files

        assertThat(snapshot.listedFile("top/x")).isTrue();
        assertThat(snapshot.listedFile("top/sub")).as("a directory").isFalse();
        assertThat(snapshot.listedFile("top/missing")).isFalse();

        snapshot.changed("top/x", false);
        snapshot.changed("top", true);
        snapshot.renamed("old", "moved");

        assertThat(snapshot.listedFile("top/x")).as("changed itself").isFalse();
        assertThat(snapshot.listedFile("top/sub/y")).as("under a changed subtree").isFalse();
        assertThat(snapshot.listedFile("old/w")).as("under a renamed directory").isFalse();
        assertThat(snapshot.listedFile("moved/w")).as("asked again under its new name").isFalse();
        assertThat(snapshot.listedFile("other/z")).as("untouched").isTrue();
    }
}

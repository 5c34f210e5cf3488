package dirsync.sync;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;

/**
 * Every behaviour of {@link SynchronizerTest} again, with the replica on another file system provider (jimfs, in
 * memory, whose names are Strings): the core must not care which provider holds the replica, and must pair
 * names by their bytes although the provider's own paths order by UTF-16.
 */
class SynchronizerOnJimfsTest extends SynchronizerTest {

    private FileSystem jimfs;

    @Override
    Path replicaRoot() {
        jimfs = Jimfs.newFileSystem(Configuration.unix().toBuilder()
                .setAttributeViews("basic", "owner", "posix", "unix").build());
        return jimfs.getPath("/replica");
    }

    @Override
    boolean replicaOnPlatform() {
        return false;
    }

    @AfterEach
    void closeJimfs() throws IOException {
        jimfs.close();
    }

    /** No identities here (jimfs keeps no inode or change time the memory trusts): each move is a copy. */
    @Override
    boolean replicaFindsMoves() {
        return false;
    }
}

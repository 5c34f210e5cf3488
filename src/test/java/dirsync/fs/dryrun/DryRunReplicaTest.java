package dirsync.fs.dryrun;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Cancellation;
import dirsync.fs.Entry;
import dirsync.fs.Md5;
import dirsync.fs.RelPath;
import dirsync.fs.ReplicaTree;
import dirsync.testing.MemoryTree;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A dry run reads through the tree under it exactly as a real pass would: what the tree answers itself (a remote
 * tree hashes large files on its server, a local one rechecks a file by its identity) is asked of that tree, not
 * worked out again from its plainer methods.
 */
class DryRunReplicaTest {

    private final MemoryTree memory = MemoryTree.empty().file("a", "content");
    private final List<String> calls = new CopyOnWriteArrayList<>();
    /** The memory tree, every call to it recorded by its method's name. */
    private final ReplicaTree recorded = (ReplicaTree) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {ReplicaTree.class}, (proxy, method, args) -> {
                calls.add(method.getName());
                try {
                    return method.invoke(memory, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });

    @Test
    void aDryRunAsksTheTreeUnderItForAFilesMd5() throws Exception {
        DryRunReplica dryRun = DryRunReplica.over(recorded);
        calls.clear();

        byte[] md5 = dryRun.md5(RelPath.of("a"), new Md5(), Cancellation.NEVER);

        assertThat(Md5.hex(md5)).isEqualTo("9a0364b9e99bb480dd25e1f0284c8555");
        assertThat(calls).containsExactly("md5");
    }

    @Test
    void aDryRunAsksTheTreeUnderItWhetherAFileIsUnchanged() throws Exception {
        Entry listed = memory.examine(RelPath.of("a"));
        DryRunReplica dryRun = DryRunReplica.over(recorded);
        calls.clear();

        boolean unchanged = dryRun.unchanged(RelPath.of("a"), listed);

        assertThat(unchanged).isTrue();
        assertThat(calls).containsExactly("unchanged");
    }
}

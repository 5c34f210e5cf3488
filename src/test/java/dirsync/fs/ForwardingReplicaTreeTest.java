package dirsync.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The forwarding bases forward every method of the tree interfaces, so that a method added to an interface cannot
 * be left to a decorator's plainer methods (as a dry run once hashed a remote replica's files by reading them).
 */
class ForwardingReplicaTreeTest {

    @Test
    void theReplicaBaseImplementsEveryMethodOfReplicaTreeAndSourceTree() throws NoSuchMethodException {
        assertThat(notImplemented(ForwardingReplicaTree.class, ReplicaTree.class)).isEmpty();
    }

    @Test
    void theSourceBaseImplementsEveryMethodOfSourceTree() throws NoSuchMethodException {
        assertThat(notImplemented(ForwardingSourceTree.class, SourceTree.class)).isEmpty();
    }

    @Test
    void theTreeInterfacesLeaveNoBehaviourToADefaultThatADecoratorCouldMissOrThatCouldRefuse() {
        List<String> defaults = Arrays.stream(ReplicaTree.class.getMethods()).filter(Method::isDefault)
                .map(Method::toString).toList();

        assertThat(defaults).isEmpty();
    }

    @Test
    void everyCallToTheReplicaBaseReachesItsDelegateWithTheSameArguments() throws Exception {
        List<String> received = new ArrayList<>();
        ReplicaTree delegate = recording(ReplicaTree.class, received);
        ReplicaTree base = new ForwardingReplicaTree() {
            @Override
            protected ReplicaTree delegate() {
                return delegate;
            }
        };

        assertThat(callEach(base, ReplicaTree.class)).isEqualTo(received);
    }

    @Test
    void everyCallToTheSourceBaseReachesItsDelegateWithTheSameArguments() throws Exception {
        List<String> received = new ArrayList<>();
        SourceTree delegate = recording(SourceTree.class, received);
        SourceTree base = new ForwardingSourceTree() {
            @Override
            protected SourceTree delegate() {
                return delegate;
            }
        };

        assertThat(callEach(base, SourceTree.class)).isEqualTo(received);
    }

    /** The instance methods of {@code type} (its superinterfaces' too) that {@code base} leaves abstract. */
    private static List<String> notImplemented(Class<?> base, Class<?> type) throws NoSuchMethodException {
        List<String> missing = new ArrayList<>();
        for (Method method : instanceMethods(type)) {
            Method found = base.getMethod(method.getName(), method.getParameterTypes());
            if (found.getDeclaringClass().isInterface() || Modifier.isAbstract(found.getModifiers())) {
                missing.add(signature(method, null));
            }
        }
        return missing;
    }

    /** Calls each method of {@code type} on {@code tree}, each argument made unique; returns the calls made. */
    private static List<String> callEach(Object tree, Class<?> type) throws Exception {
        List<String> made = new ArrayList<>();
        for (Method method : instanceMethods(type)) {
            Object[] args = Arrays.stream(method.getParameterTypes()).map(ForwardingReplicaTreeTest::sample)
                    .toArray();
            method.invoke(tree, args);
            made.add(signature(method, args));
        }
        return made;
    }

    /** A tree of {@code type} that adds each call it receives to {@code received} and answers zero or null. */
    private static <T> T recording(Class<T> type, List<String> received) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    received.add(signature(method, args == null ? new Object[0] : args));
                    return zero(method.getReturnType());
                }));
    }

    private static List<Method> instanceMethods(Class<?> type) {
        return Arrays.stream(type.getMethods()).filter(m -> !Modifier.isStatic(m.getModifiers()))
                .sorted((a, b) -> a.toString().compareTo(b.toString())).toList();
    }

    private static String signature(Method method, Object[] args) {
        String params = Arrays.toString(method.getParameterTypes());
        return method.getName() + params + (args == null ? "" : " with " + Arrays.toString(args));
    }

    /** An argument of {@code type} that tells itself apart in a call's description. */
    private static Object sample(Class<?> type) {
        if (type == RelPath.class) {
            return RelPath.of("sample");
        }
        if (type == Entry.class) {
            return Entry.file(Name.of("sample"), 1, java.nio.file.attribute.FileTime.fromMillis(1), java.util.Set.of());
        }
        if (type == Cancellation.class) {
            return Cancellation.NEVER;
        }
        if (type == byte[].class) {
            return null;
        }
        if (type.isInterface() || type == Md5.class || type == Work.class || type == Backup.class) {
            return null;
        }
        throw new AssertionError("no sample argument of " + type + ": add one");
    }

    private static Object zero(Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == int.class) {
            return 0;
        }
        return null;
    }
}

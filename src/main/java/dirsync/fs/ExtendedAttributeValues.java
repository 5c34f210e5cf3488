package dirsync.fs;

import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;

/** Comparing two entries' extended attributes (name to value; a value is bytes, which {@code equals} cannot compare). */
public final class ExtendedAttributeValues {

    private ExtendedAttributeValues() {
    }

    public static boolean same(SortedMap<String, byte[]> a, SortedMap<String, byte[]> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (Map.Entry<String, byte[]> attribute : a.entrySet()) {
            if (!Arrays.equals(attribute.getValue(), b.get(attribute.getKey()))) {
                return false;
            }
        }
        return true;
    }
}

package dirsync.sync;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.RelPath;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which entries a pass leaves out, by glob patterns on paths relative to the roots, with {@code /} separators:
 * <ul>
 *   <li>{@code *.tmp}: no {@code /} in the pattern, so it matches an entry's name at any depth;</li>
 *   <li>{@code /build}: a leading {@code /} anchors it at the root: only the top-level {@code build};</li>
 *   <li>{@code docs/*.pdf}: a {@code /} inside matches the whole relative path, from the root;</li>
 *   <li>{@code **}: any number of path elements, so {@code **}{@code /cache} is a {@code cache} at any depth;</li>
 *   <li>{@code node_modules/}: a trailing {@code /} matches directories only.</li>
 * </ul>
 * {@code *} and {@code ?} stay within one name; {@code [abc]} and {@code {a,b}} work as in
 * {@link java.nio.file.FileSystem#getPathMatcher}. Patterns match the names' bytes read as UTF-8 (see {@link Glob}).
 */
public final class Excludes {

    private static final Excludes NONE = new Excludes(List.of());

    private final List<Rule> rules;

    private Excludes(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public static Excludes none() {
        return NONE;
    }

    /** @throws IllegalArgumentException with a one-line message if a pattern is not a valid glob */
    public static Excludes of(List<String> patterns) {
        List<Rule> rules = new ArrayList<>();
        for (String pattern : patterns) {
            rules.add(Rule.parse(pattern));
        }
        return new Excludes(rules);
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** True if the entry {@code entry} of the directory {@code parent} (relative to the root) is left out. */
    public boolean excludes(RelPath parent, Entry entry) {
        if (rules.isEmpty()) {
            return false;
        }
        String name = entry.name().text();
        String relative = parent.isRoot() ? name : parent + "/" + name;
        boolean directory = entry.is(EntryKind.DIRECTORY);
        for (Rule rule : rules) {
            if (rule.matches(name, relative, directory)) {
                return true;
            }
        }
        return false;
    }

    /** The entries of one listing that are not left out. */
    public List<Entry> keep(RelPath parent, List<Entry> entries) {
        if (rules.isEmpty()) {
            return entries;
        }
        List<Entry> kept = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            if (!excludes(parent, entry)) {
                kept.add(entry);
            }
        }
        return kept;
    }

    private record Rule(Pattern matcher, Pattern atAnyDepth, boolean wholePath, boolean directoriesOnly) {

        static Rule parse(String pattern) {
            String body = pattern.strip();
            if (body.isEmpty() || body.equals("/")) {
                throw new IllegalArgumentException("empty exclude pattern '" + pattern + "'");
            }
            boolean directoriesOnly = body.endsWith("/");
            if (directoriesOnly) {
                body = body.substring(0, body.length() - 1);
            }
            boolean anchored = body.startsWith("/");
            if (anchored) {
                body = body.substring(1);
            }
            boolean wholePath = anchored || body.contains("/") || body.contains("**");
            try {
                Pattern matcher = Glob.compile(body);
                // "**/x" should also match a top-level "x": zero leading directories.
                Pattern atAnyDepth = body.startsWith("**/") ? Glob.compile(body.substring(3)) : null;
                return new Rule(matcher, atAnyDepth, wholePath, directoriesOnly);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("invalid exclude pattern '" + pattern + "': " + e.getDescription());
            }
        }

        boolean matches(String name, String relative, boolean directory) {
            if (directoriesOnly && !directory) {
                return false;
            }
            if (!wholePath) {
                return matcher.matcher(name).matches();
            }
            return matcher.matcher(relative).matches()
                    || (atAnyDepth != null && atAnyDepth.matcher(relative).matches());
        }
    }
}

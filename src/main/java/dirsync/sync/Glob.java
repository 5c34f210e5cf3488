package dirsync.sync;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Glob patterns as {@link java.nio.file.FileSystem#getPathMatcher} reads them on Unix, compiled for matching
 * text rather than a provider's paths: {@code *} and {@code ?} stay within one name, {@code **} crosses
 * {@code /}, {@code [a-z]} and {@code [!a-z]} are classes, {@code {a,b}} are alternatives, {@code \} escapes.
 */
final class Glob {

    private static final String META = "\\^$.|?*+()[]{}";

    private Glob() {
    }

    static Pattern compile(String glob) {
        StringBuilder regex = new StringBuilder("^");
        boolean inGroup = false;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '\\' -> {
                    if (++i == glob.length()) {
                        throw new PatternSyntaxException("it ends in a lone backslash (two backslashes match a literal "
                                + "one)", glob, i - 1);
                    }
                    literal(regex, glob.charAt(i));
                }
                case '*' -> {
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                        regex.append(".*");
                        i++;
                    } else {
                        regex.append("[^/]*");
                    }
                }
                case '?' -> regex.append("[^/]");
                case '[' -> i = bracket(glob, i, regex);
                case '{' -> {
                    if (inGroup) {
                        throw new PatternSyntaxException("the '{' at character " + (i + 1) + " is inside another "
                                + "{...}, which cannot nest (a backslash before a '{' makes it literal)", glob, i);
                    }
                    regex.append("(?:(?:");
                    inGroup = true;
                }
                case '}' -> {
                    if (inGroup) {
                        regex.append("))");
                        inGroup = false;
                    } else {
                        literal(regex, c);
                    }
                }
                case ',' -> regex.append(inGroup ? ")|(?:" : ",");
                default -> literal(regex, c);
            }
        }
        if (inGroup) {
            throw new PatternSyntaxException("a '{' has no closing '}' (a backslash before a '{' makes it "
                    + "literal)", glob, glob.length() - 1);
        }
        return Pattern.compile(regex.append('$').toString(), Pattern.DOTALL);
    }

    /** A character class from {@code [} at {@code start}; returns the index of its {@code ]}. */
    private static int bracket(String glob, int start, StringBuilder regex) {
        regex.append("[[^/]&&[");
        int i = start + 1;
        if (i < glob.length() && (glob.charAt(i) == '!' || glob.charAt(i) == '^')) {
            regex.append('^');
            i++;
        }
        boolean first = true;
        for (; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == ']' && !first) {
                regex.append("]]");
                return i;
            }
            if (c == '/') {
                throw new PatternSyntaxException("the [...] at character " + (start + 1) + " holds a '/', which no "
                        + "name has", glob, i);
            }
            if (c == '\\' || c == '[' || c == '&' || c == ']' || c == '^') {
                regex.append('\\');
            }
            regex.append(c);
            first = false;
        }
        throw new PatternSyntaxException("the '[' at character " + (start + 1) + " has no closing ']' (a "
                + "backslash before a '[' makes it literal)", glob, glob.length() - 1);
    }

    private static void literal(StringBuilder regex, char c) {
        if (META.indexOf(c) >= 0) {
            regex.append('\\');
        }
        regex.append(c);
    }
}

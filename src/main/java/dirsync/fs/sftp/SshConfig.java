package dirsync.fs.sftp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The four settings dirsync takes from an OpenSSH client configuration ({@code ~/.ssh/config}) for a host alias:
 * HostName, Port, User and IdentityFile, read as ssh reads them:
 * <ul>
 *   <li>keywords in any case, {@code Keyword value} or {@code Keyword=value}, double quotes around a value with
 *   spaces, '#' lines are comments;</li>
 *   <li>a {@code Host} line's patterns ({@code *}, {@code ?}, {@code !} to exclude) are matched against the alias,
 *   not against a HostName; lines before the first {@code Host} apply to every host;</li>
 *   <li>the first value found wins; IdentityFile lines add up;</li>
 *   <li>{@code Include} reads other files (relative to {@code ~/.ssh}, with wildcards) in place.</li>
 * </ul>
 * {@code Match} blocks cannot be evaluated here: {@code Match all} applies, any other {@code Match} block is
 * skipped. Every other keyword is ignored. A missing file is an empty configuration.
 */
final class SshConfig {

    /** What the configuration says for one alias; IdentityFile values as written ({@code ~} and tokens unexpanded). */
    record HostSettings(Optional<String> hostName, OptionalInt port, Optional<String> user,
                        List<String> identityFiles) {
    }

    private static final int MAX_INCLUDE_DEPTH = 16;

    private final Path home;
    private final String alias;
    private String hostName;
    private Integer port;
    private String user;
    private final List<String> identityFiles = new ArrayList<>();

    private SshConfig(Path home, String alias) {
        this.home = home;
        this.alias = alias.toLowerCase(Locale.ROOT);
    }

    /**
     * The settings {@code file} gives {@code alias}.
     *
     * @throws SshSetupException naming the file and line of a value that cannot be used (a bad Port)
     */
    static HostSettings lookUp(Path file, Path home, String alias) throws IOException {
        SshConfig config = new SshConfig(home, alias);
        config.read(file, true, 0);
        return new HostSettings(Optional.ofNullable(config.hostName),
                config.port == null ? OptionalInt.empty() : OptionalInt.of(config.port),
                Optional.ofNullable(config.user), List.copyOf(config.identityFiles));
    }

    private void read(Path file, boolean startsActive, int depth) throws IOException {
        List<String> lines;
        try {
            lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
        } catch (NoSuchFileException missing) {
            return;
        } catch (IOException unreadable) {
            throw new SshSetupException("cannot read the ssh config " + file + ": " + unreadable, unreadable);
        }
        boolean active = startsActive;
        for (int number = 1; number <= lines.size(); number++) {
            List<String> words = words(lines.get(number - 1));
            if (words.isEmpty()) {
                continue;
            }
            String keyword = words.get(0).toLowerCase(Locale.ROOT);
            List<String> args = words.subList(1, words.size());
            switch (keyword) {
                case "host" -> active = matches(args);
                case "match" -> active = args.size() == 1 && args.get(0).equalsIgnoreCase("all");
                case "include" -> {
                    if (depth >= MAX_INCLUDE_DEPTH) {
                        throw new SshSetupException(where(file, number) + "Include goes deeper than "
                                + MAX_INCLUDE_DEPTH + " files (a loop?)");
                    }
                    for (String pattern : args) {
                        for (Path included : included(pattern)) {
                            read(included, active, depth + 1);
                        }
                    }
                }
                default -> {
                    if (active && !args.isEmpty()) {
                        take(keyword, args.get(0), file, number);
                    }
                }
            }
        }
    }

    private void take(String keyword, String value, Path file, int number) throws SshSetupException {
        switch (keyword) {
            case "hostname" -> hostName = hostName == null ? value : hostName;
            case "user" -> user = user == null ? value : user;
            case "identityfile" -> {
                if (!identityFiles.contains(value)) {
                    identityFiles.add(value);
                }
            }
            case "port" -> {
                if (port == null) {
                    port = port(value, file, number);
                }
            }
            default -> {
                // Not one of the four keywords dirsync uses.
            }
        }
    }

    private static int port(String value, Path file, int number) throws SshSetupException {
        if (value.matches("[0-9]{1,5}")) {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        }
        throw new SshSetupException(where(file, number) + "Port '" + value + "' is not a number from 1 to 65535");
    }

    /** Whether a Host line's patterns take in the alias: one pattern matches and no '!' pattern does. */
    private boolean matches(List<String> patterns) {
        boolean matched = false;
        for (String pattern : patterns) {
            boolean negated = pattern.startsWith("!");
            String glob = (negated ? pattern.substring(1) : pattern).toLowerCase(Locale.ROOT);
            if (wildcardMatch(glob, 0, alias, 0)) {
                if (negated) {
                    return false;
                }
                matched = true;
            }
        }
        return matched;
    }

    /** ssh's pattern match: '*' any run of characters, '?' one character. */
    static boolean wildcardMatch(String pattern, int p, String text, int t) {
        while (p < pattern.length()) {
            char c = pattern.charAt(p);
            if (c == '*') {
                for (int rest = t; rest <= text.length(); rest++) {
                    if (wildcardMatch(pattern, p + 1, text, rest)) {
                        return true;
                    }
                }
                return false;
            }
            if (t >= text.length() || c != '?' && c != text.charAt(t)) {
                return false;
            }
            p++;
            t++;
        }
        return t == text.length();
    }

    /** The files an Include pattern names: {@code ~} is the home, a relative path is under ~/.ssh. */
    private List<Path> included(String pattern) throws IOException {
        String expanded = pattern.startsWith("~/") ? home.resolve(pattern.substring(2)).toString() : pattern;
        Path path = home.resolve(".ssh").resolve(expanded);
        Path dir = path.getParent();
        String name = path.getFileName().toString();
        if (!name.contains("*") && !name.contains("?")) {
            return List.of(path);
        }
        List<Path> files = new ArrayList<>();
        if (dir != null && Files.isDirectory(dir)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, name)) {
                entries.forEach(files::add);
            }
        }
        files.sort(null);
        return files;
    }

    /** A line's words: the keyword ends at a blank or '=', then blanks split values, double quotes keep them. */
    static List<String> words(String line) {
        String text = line.strip();
        List<String> words = new ArrayList<>();
        if (text.isEmpty() || text.startsWith("#")) {
            return words;
        }
        int end = 0;
        while (end < text.length() && !Character.isWhitespace(text.charAt(end)) && text.charAt(end) != '=') {
            end++;
        }
        words.add(text.substring(0, end));
        String rest = text.substring(end).stripLeading();
        rest = rest.startsWith("=") ? rest.substring(1) : rest;
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean inWord = false;
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                inWord = true;
            } else if (!quoted && Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    private static String where(Path file, int number) {
        return file + " line " + number + ": ";
    }
}

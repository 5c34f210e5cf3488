package dirsync.cli;

import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * A mistake picocli's parser found, said in dirsync's words: what is wrong, named as the help names it
 * ("INTERVAL must be ...", "--max-delete must be ...", "missing LOG_FILE"), in place of picocli's ("Invalid value
 * for positional parameter at index 2 (INTERVAL): ...").
 */
final class UsageMistakes {

    /** An unknown option this many edits or fewer from a real one is probably that one, mistyped. */
    private static final int MISTYPED = 3;

    private UsageMistakes() {
    }

    /** The one line that tells {@code e}: without "dirsync: " and not yet escaped. */
    static String describe(CommandLine.ParameterException e) {
        CommandSpec spec = e.getCommandLine().getCommandSpec();
        // An unknown option is the first mistake even where the parser met another one first: the words after it
        // moved up ("--exlude x SOURCE ..." reads SOURCE as REPLICA), so what else it found is that shift.
        for (String argument : e.getCommandLine().getUnmatchedArguments()) {
            if (looksLikeAnOption(argument)) {
                return unknownOption(argument, spec);
            }
        }
        if (e instanceof CommandLine.MissingParameterException missing) {
            return missing(missing.getMissing(), spec);
        }
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            return tooMany(unmatched.getUnmatched(), spec);
        }
        if (e.getCause() instanceof CommandLine.TypeConversionException conversion && e.getArgSpec() != null) {
            String subject = name(e.getArgSpec());
            String why = conversion.getMessage();
            return why.startsWith(subject + " ") ? why : subject + " " + why;
        }
        String message = String.valueOf(e.getMessage());
        return message.isEmpty() ? message : message.substring(0, 1).toLowerCase(Locale.ROOT) + message.substring(1);
    }

    /** "missing INTERVAL and LOG_FILE: dirsync [options] SOURCE ...", or "--ssh-key needs a value: FILE". */
    private static String missing(List<ArgSpec> missing, CommandSpec spec) {
        if (missing.size() == 1 && missing.get(0) instanceof OptionSpec option) {
            return name(option) + " needs a value: " + option.paramLabel();
        }
        // picocli names the first missing parameter; those after it are missing too.
        List<PositionalParamSpec> positionals = spec.positionalParameters();
        int first = missing.stream().mapToInt(positionals::indexOf).filter(i -> i >= 0).min().orElse(0);
        List<String> names = positionals.subList(first, positionals.size()).stream()
                .filter(positional -> positional.arity().min > 0).map(UsageMistakes::name).toList();
        return "missing " + and(names) + ": " + synopsis(spec);
    }

    private static boolean looksLikeAnOption(String argument) {
        return argument.length() > 1 && argument.charAt(0) == '-' && !Character.isDigit(argument.charAt(1));
    }

    /** "unknown option '--exlude'; did you mean --exclude?" */
    private static String unknownOption(String argument, CommandSpec spec) {
        String typed = argument.contains("=") ? argument.substring(0, argument.indexOf('=')) : argument;
        String likely = likeliest(typed, spec);
        return "unknown option '" + typed + "'" + (likely == null ? "" : "; did you mean " + likely + "?");
    }

    /** Arguments past LOG_FILE. */
    private static String tooMany(List<String> arguments, CommandSpec spec) {
        return (arguments.size() == 1 ? "one argument too many: '" + arguments.get(0) + "'"
                : arguments.size() + " arguments too many: '" + String.join("', '", arguments) + "'")
                + "; " + synopsis(spec);
    }

    private static String synopsis(CommandSpec spec) {
        return "dirsync [options] " + String.join(" ",
                spec.positionalParameters().stream().map(UsageMistakes::name).toList());
    }

    /** The name the help gives: an option's longest name, a parameter's label. */
    private static String name(ArgSpec arg) {
        return arg instanceof OptionSpec option ? option.longestName() : arg.paramLabel();
    }

    private static String and(List<String> names) {
        if (names.size() == 1) {
            return names.get(0);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }

    /** The option whose name is fewest edits from {@code typed}, if it is few enough; null if none is. */
    private static String likeliest(String typed, CommandSpec spec) {
        String best = null;
        int fewest = MISTYPED + 1;
        for (OptionSpec option : spec.options()) {
            if (option.hidden()) {
                continue;
            }
            for (String name : option.names()) {
                int edits = edits(typed, name);
                if (edits < fewest) {
                    fewest = edits;
                    best = name;
                }
            }
        }
        return best;
    }

    /** Levenshtein distance: insertions, deletions and substitutions that turn {@code a} into {@code b}. */
    static int edits(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}

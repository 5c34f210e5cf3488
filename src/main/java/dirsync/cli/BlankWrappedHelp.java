package dirsync.cli;

import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.Column.Overflow;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * picocli's usage help, with its text wrapped at blanks only. picocli breaks a long line where the JDK's
 * {@link java.text.BreakIterator} allows, which is also after a '.' or a '/' inside a word: "~/." on one line and
 * "ssh/config" on the next. Here every wrapped column (the description, the options' and parameters' texts, the
 * exit codes) is cut at a blank, and never before a word that reads as a short option ("cp" and "-a" stay
 * together); only a word longer than its column is cut where the column ends, as picocli does.
 */
final class BlankWrappedHelp extends CommandLine.Help {

    private BlankWrappedHelp(CommandSpec spec, ColorScheme scheme) {
        super(spec, scheme);
    }

    /** Makes {@code commandLine} render its usage help with this class. */
    static void install(CommandLine commandLine) {
        commandLine.setHelpFactory(BlankWrappedHelp::new);
    }

    /** picocli's default layout (see {@code TextTable.forDefaultColumns}) over a table that wraps at blanks. */
    @Override
    public Layout createDefaultLayout(List<OptionSpec> options, List<PositionalParamSpec> positionals,
                                      ColorScheme scheme) {
        int longOptions = calcLongOptionColumnWidth(options, positionals, scheme);
        Table table = new Table(scheme,
                new Column(2, 0, Overflow.TRUNCATE),
                new Column(2, 0, Overflow.SPAN),
                new Column(1, 0, Overflow.TRUNCATE),
                new Column(longOptions, 1, Overflow.SPAN),
                new Column(width() - 5 - longOptions, 1, Overflow.WRAP));
        return new Layout(scheme, table, createDefaultOptionRenderer(), createDefaultParameterRenderer());
    }

    /** The command's description, one column as wide as the help. */
    @Override
    public String description(Object... params) {
        Table table = new Table(colorScheme(), new Column(width(), 0, Overflow.WRAP));
        table.indentWrappedLines = 0;
        for (String line : commandSpec().usageMessage().description()) {
            table.addRowValues(String.format(line, params));
        }
        return table.toString();
    }

    /** Two columns, as picocli's own: the keys (the exit codes) and their wrapped texts. */
    @Override
    public TextTable createTextTable(Map<?, ?> map) {
        int keys = 0;
        for (Object key : map.keySet()) {
            keys = Math.max(keys, String.valueOf(key).length());
        }
        int spacing = 3;
        keys = Math.min(width() - spacing - 1, keys);
        Table table = new Table(colorScheme(),
                new Column(keys + spacing, 2, Overflow.SPAN),
                new Column(width() - (keys + spacing), 2, Overflow.WRAP));
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            table.addRowValues(String.format(String.valueOf(entry.getKey())),
                    String.format(String.valueOf(entry.getValue())));
        }
        return table;
    }

    private int width() {
        return commandSpec().usageMessage().width();
    }

    /**
     * Where the line that starts at {@code start} of {@code text} ends, at most {@code width} characters on: the
     * whole rest if it fits, else the last blank that may break the line, else (a word longer than the line) at
     * {@code width}.
     */
    static int lineEnd(String text, int start, int width) {
        if (text.length() - start <= width) {
            return text.length();
        }
        for (int blank = start + width; blank > start; blank--) {
            if (text.charAt(blank) == ' ' && mayBreakAt(text, blank)) {
                return blank;
            }
        }
        return start + width;
    }

    /** A blank breaks a line unless a short option follows it: "cp -a" is one phrase. */
    private static boolean mayBreakAt(String text, int blank) {
        boolean shortOption = blank + 2 < text.length() && text.charAt(blank + 1) == '-'
                && Character.isLetterOrDigit(text.charAt(blank + 2));
        return !shortOption;
    }

    /** Where the next line starts: after the blanks the line ended at. */
    static int nextStart(String text, int end) {
        int next = end;
        while (next < text.length() && text.charAt(next) == ' ') {
            next++;
        }
        return next;
    }

    /** picocli's table, whose wrapped columns break at blanks (picocli's own code writes each line that fits). */
    private static final class Table extends TextTable {

        private final ColorScheme scheme;

        Table(ColorScheme scheme, Column... columns) {
            super(scheme, columns);
            this.scheme = scheme;
        }

        @Override
        public Cell putValue(int row, int col, Text value) {
            Column column = columns()[col];
            if (column.overflow != Overflow.WRAP || value == null || value.plainString().isEmpty()) {
                return super.putValue(row, col, value);
            }
            String plain = value.plainString();
            int line = row;
            int start = 0;
            int indent = column.indent;
            while (true) {
                int end = lineEnd(plain, start, column.width - indent);
                Text piece = value.substring(start, end);
                if (line > row) {
                    addEmptyRow();
                    piece = scheme.text(" ".repeat(indentWrappedLines)).concat(piece);
                }
                super.putValue(line, col, piece);
                start = nextStart(plain, end);
                if (start >= plain.length()) {
                    return new Cell(col, line);
                }
                line++;
                indent = column.indent + indentWrappedLines;
            }
        }
    }
}

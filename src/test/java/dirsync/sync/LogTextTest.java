package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTextTest {

    @Test
    void plainTextIsUnchanged() {
        assertThat(LogText.escape("docs/réadme 日本.txt")).isEqualTo("docs/réadme 日本.txt");
    }

    @Test
    void lineBreaksCannotForgeALogLine() {
        assertThat(LogText.escape("a\n2026-01-01T00:00:00Z ERROR forged\r"))
                .isEqualTo("a\\n2026-01-01T00:00:00Z ERROR forged\\r")
                .doesNotContain("\n", "\r");
    }

    @Test
    void terminalEscapesAndOtherControlsAreShownAsHex() {
        assertThat(LogText.escape("\u001b[31mred\u0007\u007f\u009b")).isEqualTo("\\x1b[31mred\\x07\\x7f\\x9b");
    }

    @Test
    void unicodeLineSeparatorsAreEscaped() {
        assertThat(LogText.escape("a\u2028b\u2029")).isEqualTo("a\\u2028b\\u2029");
    }

    @Test
    void backslashIsDoubledSoEscapesStayUnambiguous() {
        assertThat(LogText.escape("a\\nb")).isEqualTo("a\\\\nb");
    }
}

package dirsync.app;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.TimeZone;

/**
 * The time of a log line, as {@code yyyy-MM-dd'T'HH:mm:ss.SSSXXX} formats it in a time zone ("2026-12-07T01:02:03.456Z",
 * "...+01:00"), written out by hand: Logback's formatter builds a {@code DateTimeFormatter} from the pattern and
 * reads the zone's rules through {@code ZoneId}, which loads the time-zone database a second time after
 * {@code TimeZone} (a few ms of a cron run's start). Here the zone's offset at the instant comes from the
 * {@code TimeZone} alone. The text of the last second is kept, as Logback's does: a run logs many lines a second.
 * Not thread-safe: its encoder's appender writes one line at a time.
 */
final class LogTime {

    private final TimeZone zone;
    private long second = Long.MIN_VALUE;
    /** The last second's date and time ("2026-12-07T01:02:03") and its offset ("Z", "+01:00"). */
    private String secondText;
    private String offsetText;

    /** @param zone the zone the lines' times are given in (the JVM's default in a run) */
    LogTime(TimeZone zone) {
        this.zone = (TimeZone) zone.clone();
    }

    /** {@code millis} since the epoch as the log line's time. */
    String format(long millis) {
        long thisSecond = Math.floorDiv(millis, 1000);
        if (thisSecond != second) {
            remember(thisSecond);
        }
        int milli = (int) Math.floorMod(millis, 1000);
        return new StringBuilder(32).append(secondText).append('.').append((char) ('0' + milli / 100))
                .append((char) ('0' + milli / 10 % 10)).append((char) ('0' + milli % 10)).append(offsetText)
                .toString();
    }

    private void remember(long epochSecond) {
        int offsetSeconds = zone.getOffset(epochSecond * 1000) / 1000;
        LocalDateTime local = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.ofTotalSeconds(offsetSeconds));
        StringBuilder text = new StringBuilder(32);
        int year = local.getYear();
        if (year >= 0 && year < 1000) {
            text.append(year < 10 ? "000" : year < 100 ? "00" : "0");
        }
        text.append(year).append('-');
        twoDigits(text, local.getMonthValue()).append('-');
        twoDigits(text, local.getDayOfMonth()).append('T');
        twoDigits(text, local.getHour()).append(':');
        twoDigits(text, local.getMinute()).append(':');
        secondText = twoDigits(text, local.getSecond()).toString();
        if (offsetSeconds == 0) {
            offsetText = "Z";
        } else {
            int minutes = Math.abs(offsetSeconds) / 60;
            StringBuilder offset = new StringBuilder(6).append(offsetSeconds < 0 ? '-' : '+');
            twoDigits(offset, minutes / 60).append(':');
            offsetText = twoDigits(offset, minutes % 60).toString();
        }
        second = epochSecond;
    }

    private static StringBuilder twoDigits(StringBuilder text, int value) {
        return text.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }
}

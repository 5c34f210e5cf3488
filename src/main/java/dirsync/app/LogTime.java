package dirsync.app;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.TimeZone;

/**
 * The time of a log line, as {@code yyyy-MM-dd'T'HH:mm:ss.SSSXXX} formats it in a time zone
 * ("2026-12-07T01:02:03.456Z", "...+01:00"), written out by hand: Logback's formatter builds a
 * {@code DateTimeFormatter} from the pattern and reads the zone's rules through {@code ZoneId}, which loads the
 * time-zone database a second time after {@code TimeZone} (a few ms of a cron run's start). Here the zone's offset
 * at the instant comes from the {@code TimeZone} alone. The text of the last second is kept, as Logback's does: a
 * run logs many lines a second.
 */
final class LogTime {

    private final TimeZone zone;
    /** The last second's texts, replaced whole: the file appender encodes lines on the threads that log them. */
    private volatile Second last = new Second(Long.MIN_VALUE, "", "");

    /** A second's date and time ("2026-12-07T01:02:03") and the zone's offset then ("Z", "+01:00"). */
    private record Second(long epochSecond, String dateTime, String offset) {
    }

    /** @param zone the zone the lines' times are given in (the JVM's default in a run) */
    LogTime(TimeZone zone) {
        this.zone = (TimeZone) zone.clone();
    }

    /** {@code millis} since the epoch as the log line's time. Safe on any thread. */
    String format(long millis) {
        long epochSecond = Math.floorDiv(millis, 1000);
        Second second = last;
        if (second.epochSecond() != epochSecond) {
            second = second(epochSecond);
            last = second;
        }
        int milli = (int) Math.floorMod(millis, 1000);
        return new StringBuilder(32).append(second.dateTime()).append('.').append((char) ('0' + milli / 100))
                .append((char) ('0' + milli / 10 % 10)).append((char) ('0' + milli % 10)).append(second.offset())
                .toString();
    }

    private Second second(long epochSecond) {
        int offsetSeconds;
        synchronized (zone) { // a TimeZone is not meant for threads at once
            offsetSeconds = zone.getOffset(epochSecond * 1000) / 1000;
        }
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
        twoDigits(text, local.getSecond());
        if (offsetSeconds == 0) {
            return new Second(epochSecond, text.toString(), "Z");
        }
        int minutes = Math.abs(offsetSeconds) / 60;
        StringBuilder offset = new StringBuilder(6).append(offsetSeconds < 0 ? '-' : '+');
        twoDigits(offset, minutes / 60).append(':');
        return new Second(epochSecond, text.toString(), twoDigits(offset, minutes % 60).toString());
    }

    private static StringBuilder twoDigits(StringBuilder text, int value) {
        return text.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }
}

package io.github.camelk8s.leader.election;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a duration option as its user wrote it, strictly: a number of milliseconds ({@code 1500}), Camel's units
 * in the order d, h, m, s, ms ({@code 15s}, {@code 1m30s}, {@code 500ms}), or ISO-8601 ({@code PT15S}), each
 * optionally negative. Camel's own conversion reads {@code -5s}, {@code 5S} and {@code abc} as 0 and
 * {@code 5sx} as 5s; an election option read that way would be validated, or used, as a value nobody wrote.
 * A text that is none of the forms is an error naming the option and the text; a negative one is returned as
 * written for the rules to reject with the same text.
 */
public final class Durations {

    private static final Pattern MILLIS = Pattern.compile("-?\\d+");
    private static final Pattern UNITS
            = Pattern.compile("(-)?(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:(\\d+)s)?(?:(\\d+)ms)?");
    private static final long[] UNIT_MILLIS = { 86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L };

    private Durations() {
    }

    /** The duration the text names; fails, naming the option and the text, if it names none. */
    public static Duration parse(String option, String text) {
        if (text == null) {
            throw LeaderElectionConfig.invalidOption(option, null, "must be set");
        }
        String trimmed = text.trim();
        try {
            if (MILLIS.matcher(trimmed).matches()) {
                return Duration.ofMillis(Long.parseLong(trimmed));
            }
            String unsigned = trimmed.startsWith("-") ? trimmed.substring(1) : trimmed;
            if (unsigned.toUpperCase(Locale.ROOT).startsWith("P")) {
                return Duration.parse(trimmed);
            }
            Matcher units = UNITS.matcher(trimmed);
            if (units.matches() && !unsigned.isEmpty()) {
                long millis = 0;
                for (int unit = 0; unit < UNIT_MILLIS.length; unit++) {
                    String amount = units.group(unit + 2);
                    if (amount != null) {
                        millis = Math.addExact(millis, Math.multiplyExact(Long.parseLong(amount), UNIT_MILLIS[unit]));
                    }
                }
                return Duration.ofMillis(units.group(1) != null ? -millis : millis);
            }
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            // not a duration: reported below, with the text as written
        }
        throw LeaderElectionConfig.invalidOption(option, text,
                "not a duration; write it as 15s, 1m30s, 500ms, PT15S or a number of milliseconds");
    }

    /** {@link #parse(String, String) parse}, then the rule every duration option of this component has. */
    public static Duration parsePositive(String option, String text) {
        Duration value = parse(option, text);
        if (value.isNegative() || value.isZero()) {
            throw LeaderElectionConfig.invalidOption(option, text, "must be greater than 0");
        }
        return value;
    }

    /** A duration as this component writes it back: whole milliseconds, which {@link #parse} reads again. */
    public static String text(Duration duration) {
        return duration == null ? null : duration.toMillis() + "ms";
    }
}

package org.hsmkit.core.ca;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;

/**
 * A span of time as written on the command line and in {@code ca.conf}: a positive number and a
 * unit, {@code y} (calendar years), {@code m} (calendar months), {@code d} (days) or {@code h}
 * (hours), such as {@code 10y}, {@code 90d} or {@code 36h}.
 */
public record Validity(long amount, char unit) {
    private static final Pattern FORM = Pattern.compile("([0-9]{1,6})\\s*([ymdh])");

    public Validity {
        if (amount <= 0 || "ymdh".indexOf(unit) < 0) {
            throw new IllegalArgumentException(amount + "" + unit);
        }
    }

    /**
     * Parses {@code 10y}, {@code 6m}, {@code 90d}, {@code 36h} (case-insensitive).
     *
     * @throws HsmkitException USAGE for anything else
     */
    public static Validity parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new HsmkitException(ErrorKind.USAGE, "'" + text + "' is not a validity period",
                    "write a number and a unit: 10y (years), 6m (months), 90d (days) or 36h (hours)");
        }
        return new Validity(Long.parseLong(m.group(1)), m.group(2).charAt(0));
    }

    /** The instant this span after {@code start}; years and months are calendar ones in UTC. */
    public Instant after(Instant start) {
        return switch (unit) {
            case 'y' -> start.atZone(ZoneOffset.UTC).plusYears(amount).toInstant();
            case 'm' -> start.atZone(ZoneOffset.UTC).plusMonths(amount).toInstant();
            case 'd' -> start.plus(Duration.ofDays(amount));
            default -> start.plus(Duration.ofHours(amount));
        };
    }

    @Override
    public String toString() {
        return amount + String.valueOf(unit);
    }
}

package io.sluice.pipeline.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.ZoneOffset;

/**
 * How the clock that drives {@code NOW()} runs, for a program that uses it.
 *
 * @param resolutionMillis {@code clock_resolution_usecs} rounded to milliseconds, at least 1: the
 *     clock moves (and triggers a step) at most once per resolution, to a multiple of it
 * @param timezoneOffset {@code clock_timezone_offset}: added to UTC to give the value of
 *     {@code NOW()}; a checkpoint fixes it
 * @param httpDriven {@code dev_tweaks.now_http_driven}: the clock moves only on {@code POST /clock/advance}
 */
public record ClockConfig(long resolutionMillis, ZoneOffset timezoneOffset, boolean httpDriven) {
    public static final ClockConfig DEFAULT = new ClockConfig(1000, ZoneOffset.UTC, false);
    private static final long DEFAULT_RESOLUTION_USECS = 1_000_000;

    public ClockConfig {
        requireNonNull(timezoneOffset, "timezoneOffset is null");
        if (resolutionMillis < 1) {
            throw new IllegalArgumentException("resolutionMillis must be at least 1: " + resolutionMillis);
        }
    }

    /** Reads {@code clock_resolution_usecs}, {@code clock_timezone_offset} and {@code dev_tweaks.now_http_driven} of {@code root}. */
    static ClockConfig parse(JsonNode root) throws ConfigException {
        long usecs = DEFAULT_RESOLUTION_USECS;
        JsonNode r = root.get("clock_resolution_usecs");
        if (r != null && !r.isNull()) {
            if (!r.isIntegralNumber() || !r.canConvertToLong() || r.asLong() < 0) {
                throw new ConfigException("config field 'clock_resolution_usecs' must be a non-negative integer, not " + r);
            }
            usecs = r.asLong();
        }
        ZoneOffset offset = ZoneOffset.UTC;
        JsonNode o = root.get("clock_timezone_offset");
        if (o != null && !o.isNull()) {
            if (!o.isTextual()) {
                throw new ConfigException("config field 'clock_timezone_offset' must be a string such as \"+05:30\", not " + o);
            }
            try {
                offset = ZoneOffset.of(o.textValue());
            } catch (DateTimeException e) {
                throw new ConfigException("config field 'clock_timezone_offset' must be an offset such as \"+05:30\" or "
                        + "\"-08:00\", not \"" + o.textValue() + "\"");
            }
        }
        boolean http = false;
        JsonNode tweaks = root.get("dev_tweaks");
        if (tweaks != null && !tweaks.isNull()) {
            if (!tweaks.isObject()) {
                throw new ConfigException("config field 'dev_tweaks' must be an object");
            }
            JsonNode h = tweaks.get("now_http_driven");
            if (h != null && !h.isNull()) {
                if (!h.isBoolean()) {
                    throw new ConfigException("config field 'dev_tweaks.now_http_driven' must be true or false, not " + h);
                }
                http = h.booleanValue();
            }
        }
        long millis = Math.max(1, Math.round(usecs / 1000.0));
        return new ClockConfig(millis, offset, http);
    }
}

package io.sluice.bench;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * One figure of a benchmark run, printed as {@code RESULT name{label=value,...} value unit}: the
 * last lines of every run, one per figure, so scripts can grep them and tables can be built from them.
 *
 * @param name what was measured, e.g. {@code sigterm_exit_ms}
 * @param labels the conditions of the measurement, in print order, e.g. rows and variant
 * @param value the figure
 * @param unit a single word, e.g. {@code ms}, {@code bytes}, {@code us/op}
 */
public record ResultLine(String name, Map<String, String> labels, double value, String unit) {
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_./%-]+");

    public ResultLine {
        requireNonNull(name, "name is null");
        requireNonNull(unit, "unit is null");
        labels = new LinkedHashMap<>(labels);
        if (!WORD.matcher(name).matches() || !WORD.matcher(unit).matches()) {
            throw new IllegalArgumentException("name and unit must be single words: " + name + ", " + unit);
        }
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (!WORD.matcher(e.getKey()).matches() || !WORD.matcher(e.getValue()).matches()) {
                throw new IllegalArgumentException("labels must be single words: " + e);
            }
        }
    }

    @Override
    public Map<String, String> labels() {
        return new LinkedHashMap<>(labels);
    }

    @Override
    public String toString() {
        StringJoiner l = new StringJoiner(",", "{", "}");
        labels.forEach((k, v) -> l.add(k + "=" + v));
        String number = value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value) : String.format(java.util.Locale.ROOT, "%.3f", value);
        return "RESULT " + name + (labels.isEmpty() ? "" : l.toString()) + " " + number + " " + unit;
    }
}

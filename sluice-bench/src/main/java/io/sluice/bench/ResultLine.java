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
    private static final Pattern LINE = Pattern.compile("RESULT ([^{\\s]+)(?:\\{([^}]*)\\})? (\\S+) (\\S+)");

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

    /** The line {@link #toString} prints, read back; empty if {@code line} is not a {@code RESULT} line. */
    public static java.util.Optional<ResultLine> parse(String line) {
        java.util.regex.Matcher m = LINE.matcher(line.strip());
        if (!m.matches()) {
            return java.util.Optional.empty();
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (m.group(2) != null && !m.group(2).isEmpty()) {
            for (String pair : m.group(2).split(",")) {
                String[] kv = pair.split("=", 2);
                if (kv.length != 2) {
                    return java.util.Optional.empty();
                }
                labels.put(kv[0], kv[1]);
            }
        }
        try {
            return java.util.Optional.of(new ResultLine(m.group(1), labels, Double.parseDouble(m.group(3)), m.group(4)));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    /** The value as {@link #toString} prints it: an integer when it is one, else three decimals. */
    public String formattedValue() {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value) : String.format(java.util.Locale.ROOT, "%.3f", value);
    }

    @Override
    public String toString() {
        StringJoiner l = new StringJoiner(",", "{", "}");
        labels.forEach((k, v) -> l.add(k + "=" + v));
        return "RESULT " + name + (labels.isEmpty() ? "" : l.toString()) + " " + formattedValue() + " " + unit;
    }
}

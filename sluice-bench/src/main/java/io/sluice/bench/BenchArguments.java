package io.sluice.bench;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --option value} pairs after a benchmark's name, checked once against the options that
 * benchmark declares, so a mistyped option fails before minutes of loading rather than being ignored.
 */
public final class BenchArguments {
    private final Map<String, String> values;

    private BenchArguments(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /** Parses {@code args}; every option must be one of {@code known} and given at most once. */
    public static BenchArguments parse(List<String> args, Set<String> known) {
        requireNonNull(args, "args is null");
        requireNonNull(known, "known is null");
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i += 2) {
            String option = args.get(i);
            if (!option.startsWith("--")) {
                throw new IllegalArgumentException("expected --option, got: " + option);
            }
            String name = option.substring(2);
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name + "; known: " + known);
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
            if (values.put(name, args.get(i + 1)) != null) {
                throw new IllegalArgumentException("--" + name + " given twice");
            }
        }
        return new BenchArguments(values);
    }

    public String string(String name, String defaultValue) {
        return values.getOrDefault(name, defaultValue);
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public int positiveInt(String name, int defaultValue) {
        String raw = values.get(name);
        if (raw == null) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(raw.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be an integer: " + raw, e);
        }
        if (value <= 0) {
            throw new IllegalArgumentException("--" + name + " must be positive: " + value);
        }
        return value;
    }

    /** A comma-separated list of positive longs, e.g. {@code --rows 100000,1000000}. */
    public List<Long> positiveLongs(String name, String defaultValue) {
        List<Long> out = new ArrayList<>();
        for (String part : values.getOrDefault(name, defaultValue).split(",")) {
            long value;
            try {
                value = Long.parseLong(part.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " must be a comma-separated list of integers: " + part, e);
            }
            if (value <= 0) {
                throw new IllegalArgumentException("--" + name + " values must be positive: " + value);
            }
            out.add(value);
        }
        return List.copyOf(out);
    }

    /** A comma-separated list of words, each one of {@code allowed}. */
    public List<String> choices(String name, String defaultValue, Set<String> allowed) {
        List<String> out = new ArrayList<>();
        for (String part : values.getOrDefault(name, defaultValue).split(",")) {
            String value = part.strip();
            if (!allowed.contains(value)) {
                throw new IllegalArgumentException("--" + name + " values must be among " + allowed + ": " + value);
            }
            out.add(value);
        }
        return List.copyOf(out);
    }

    public Path path(String name, String defaultValue) {
        return Path.of(values.getOrDefault(name, defaultValue));
    }
}

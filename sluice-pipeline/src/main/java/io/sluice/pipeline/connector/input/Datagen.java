package io.sluice.pipeline.connector.input;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sluice.engine.algebra.Row;
import io.sluice.pipeline.config.ConfigException;
import io.sluice.pipeline.config.EndpointConfig;
import io.sluice.pipeline.format.Change;
import io.sluice.sql.Column;
import io.sluice.sql.ColumnType;
import io.sluice.sql.Relation;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code datagen}: generates rows for a table. Row {@code i} is a pure function of {@code i}, the
 * seed and the column specs, so the position is just {@code {"index": i}}: resuming and replaying
 * regenerate exactly the same rows.
 *
 * <p>Config: {@code {"plan": [{"limit": n, "rate": rows_per_second, "fields": {"col": spec}}],
 * "seed": s}}. Plans run one after the other; a plan without {@code limit} never ends. A column
 * spec is {@code {"strategy": "increment"|"uniform", "range": [a, b], "scale": k, "values": [...],
 * "null_percentage": p}}; columns without a spec use {@code increment}.
 */
public final class Datagen implements InputConnector {
    private static final Logger LOG = LoggerFactory.getLogger(Datagen.class);
    private static final Set<String> KEYS = Set.of("plan", "seed", "workers");
    private static final Set<String> PLAN_KEYS = Set.of("limit", "rate", "fields");
    private static final Set<String> FIELD_KEYS = Set.of("strategy", "range", "scale", "values", "null_percentage");
    private static final int BATCH = 10_000;
    private static final long EPOCH_MILLIS = 1_700_000_000_000L;

    private final List<Plan> plans;
    private final long seed;
    private final Relation table;
    private final Feed feed;
    private Thread thread;

    /** One plan: {@code limit} rows (Long.MAX_VALUE: no limit) at most {@code rate} per second (0: no limit). */
    private record Plan(long limit, long rate, FieldSpec[] fields) {}

    private record FieldSpec(boolean uniform, double lo, double hi, long scale, List<JsonNode> values, int nullPercentage) {}

    public Datagen(EndpointConfig config, Relation table, Feed feed) throws ConfigException {
        this.table = requireNonNull(table, "table is null");
        this.feed = requireNonNull(feed, "feed is null");
        JsonNode c = config.transportConfig();
        String where = "connector '" + config.name() + "': datagen";
        checkKeys(c, KEYS, where);
        this.seed = c.path("seed").asLong(0);
        List<Plan> list = new ArrayList<>();
        JsonNode planArray = c.path("plan");
        if (planArray.isMissingNode() || planArray.isNull()) {
            list.add(new Plan(Long.MAX_VALUE, 0, defaultFields(table)));
        } else if (!planArray.isArray()) {
            throw new ConfigException(where + ": 'plan' must be a list");
        } else {
            for (JsonNode p : planArray) {
                checkKeys(p, PLAN_KEYS, where + " plan");
                FieldSpec[] fields = defaultFields(table);
                for (Map.Entry<String, JsonNode> f : p.path("fields").properties()) {
                    int col = columnIndex(table, f.getKey());
                    if (col < 0) {
                        throw new ConfigException(where + ": table " + table.name() + " has no column '" + f.getKey() + "'");
                    }
                    fields[col] = fieldSpec(f.getValue(), where + " field " + f.getKey());
                }
                long limit = p.hasNonNull("limit") ? p.get("limit").asLong() : Long.MAX_VALUE;
                long rate = p.hasNonNull("rate") ? p.get("rate").asLong() : 0;
                if (limit < 0 || rate < 0) {
                    throw new ConfigException(where + ": 'limit' and 'rate' must not be negative");
                }
                list.add(new Plan(limit, rate, fields));
            }
        }
        this.plans = List.copyOf(list);
    }

    private static void checkKeys(JsonNode node, Set<String> keys, String where) throws ConfigException {
        if (!node.isObject()) {
            throw new ConfigException(where + ": expected an object");
        }
        for (var f : node.properties()) {
            if (!keys.contains(f.getKey())) {
                throw new ConfigException(where + " has no setting '" + f.getKey() + "'");
            }
        }
    }

    private static int columnIndex(Relation table, String name) {
        for (int i = 0; i < table.columns().size(); i++) {
            if (table.columns().get(i).name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    private static FieldSpec[] defaultFields(Relation table) {
        FieldSpec[] f = new FieldSpec[table.columns().size()];
        java.util.Arrays.fill(f, new FieldSpec(false, 0, Double.NaN, 1, List.of(), 0));
        return f;
    }

    private static FieldSpec fieldSpec(JsonNode spec, String where) throws ConfigException {
        checkKeys(spec, FIELD_KEYS, where);
        String strategy = spec.path("strategy").asText("increment");
        if (!strategy.equals("increment") && !strategy.equals("uniform")) {
            throw new ConfigException(where + ": strategy '" + strategy + "' is not supported; use increment or uniform");
        }
        double lo = 0;
        double hi = Double.NaN;
        if (spec.has("range")) {
            JsonNode r = spec.get("range");
            if (!r.isArray() || r.size() != 2 || !r.get(0).isNumber() || !r.get(1).isNumber()
                    || r.get(1).asDouble() <= r.get(0).asDouble()) {
                throw new ConfigException(where + ": 'range' must be [a, b] with a < b");
            }
            lo = r.get(0).asDouble();
            hi = r.get(1).asDouble();
        }
        List<JsonNode> values = new ArrayList<>();
        spec.path("values").forEach(values::add);
        int nulls = spec.path("null_percentage").asInt(0);
        if (nulls < 0 || nulls > 100) {
            throw new ConfigException(where + ": 'null_percentage' must be 0..100");
        }
        return new FieldSpec(strategy.equals("uniform"), lo, hi, spec.path("scale").asLong(1), values, nulls);
    }

    static JsonNode position(long index) {
        return JsonNodeFactory.instance.objectNode().put("index", index);
    }

    @Override
    public void start(Optional<JsonNode> resumeAfter) {
        long index = resumeAfter.map(p -> p.path("index").asLong(0)).orElse(0L);
        feed.endpoint().initResumePosition(position(index));
        thread = new Thread(() -> run(index), "datagen-" + feed.endpoint().name());
        thread.setDaemon(true);
        thread.start();
    }

    private void run(long start) {
        long index = start;
        long planStart = 0;
        try {
            for (Plan plan : plans) {
                long planEnd = plan.limit() == Long.MAX_VALUE ? Long.MAX_VALUE : planStart + plan.limit();
                long begunAt = System.nanoTime();
                long firstOfRun = Math.max(index, planStart);
                while (index < planEnd) {
                    if (!feed.awaitTurn()) {
                        return;
                    }
                    long n = Math.min(BATCH, planEnd - index);
                    if (plan.rate() > 0) {
                        // Rows allowed so far at the rate, since this plan (re)started.
                        long allowed = (System.nanoTime() - begunAt) * plan.rate() / 1_000_000_000L + 1;
                        long done = index - firstOfRun;
                        if (done >= allowed) {
                            Thread.sleep(Math.max(1, (done - allowed + 1) * 1000 / plan.rate()));
                            continue;
                        }
                        n = Math.min(n, allowed - done);
                    }
                    feed.push(generate(index, index + n), 0, position(index), position(index + n));
                    index += n;
                }
                planStart = planEnd;
            }
            feed.endpoint().markEndOfInput();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("datagen {} stopped: {}", feed.endpoint().name(), e.toString());
            feed.endpoint().fail(e.toString());
        }
    }

    /** Rows {@code [from, to)}. */
    List<Change> generate(long from, long to) {
        List<Change> out = new ArrayList<>(Math.toIntExact(to - from));
        for (long i = from; i < to; i++) {
            out.add(new Change(row(i), 1));
        }
        return out;
    }

    private Row row(long index) {
        long planStart = 0;
        Plan plan = plans.get(plans.size() - 1);
        for (Plan p : plans) {
            if (p.limit() == Long.MAX_VALUE || index < planStart + p.limit()) {
                plan = p;
                break;
            }
            planStart += p.limit();
        }
        long i = index - planStart;
        List<Column> cols = table.columns();
        Object[] values = new Object[cols.size()];
        for (int c = 0; c < cols.size(); c++) {
            values[c] = value(plan.fields()[c], cols.get(c), i, c);
        }
        return Row.wrap(values);
    }

    private Object value(FieldSpec spec, Column col, long i, int c) {
        long r = mix(seed ^ mix(i * 31 + c));
        if (spec.nullPercentage() > 0 && col.nullable() && Math.floorMod(r, 100) < spec.nullPercentage()) {
            return null;
        }
        long r2 = mix(r);
        if (!spec.values().isEmpty()) {
            int n = spec.values().size();
            JsonNode v = spec.values().get(spec.uniform() ? (int) Math.floorMod(r2, n) : (int) Math.floorMod(i, n));
            return convert(v.isNumber() ? v.asDouble() : 0, v.asText(), col.type());
        }
        double x;
        if (spec.uniform()) {
            double span = Double.isNaN(spec.hi()) ? 1L << 31 : spec.hi() - spec.lo();
            x = spec.lo() + Math.floor(((r2 >>> 11) * 0x1.0p-53) * span);
        } else {
            double v = (double) i * spec.scale();
            x = Double.isNaN(spec.hi()) ? spec.lo() + v : spec.lo() + (v % (spec.hi() - spec.lo()));
        }
        return convert(x, null, col.type());
    }

    private static Object convert(double x, String text, ColumnType type) {
        long l = (long) x;
        return switch (type.kind()) {
            case BOOLEAN -> text != null ? Boolean.valueOf(text) : (l & 1) == 1;
            case TINYINT, SMALLINT, INTEGER -> (int) l;
            case BIGINT -> l;
            case DOUBLE -> x;
            case REAL -> (float) x;
            case DECIMAL -> text != null ? new BigDecimal(text) : BigDecimal.valueOf(l).setScale(type.scale());
            case VARCHAR -> text != null ? text : Long.toString(l);
            case CHAR -> fixedChar(text != null ? text : Long.toString(l), type.precision());
            case TIMESTAMP -> LocalDateTime.ofEpochSecond(Math.floorDiv(EPOCH_MILLIS + l, 1000),
                    (int) Math.floorMod(EPOCH_MILLIS + l, 1000) * 1_000_000, ZoneOffset.UTC);
            case DATE -> LocalDate.ofEpochDay(Math.floorDiv(EPOCH_MILLIS + l, 86_400_000L));
            case TIME -> LocalTime.ofNanoOfDay(Math.floorMod(l, 86_400_000L) * 1_000_000);
            case VARBINARY, INTERVAL_DAY_TIME, INTERVAL_YEAR_MONTH, ARRAY -> throw new IllegalArgumentException(
                    "datagen does not generate values of type " + type);
        };
    }

    /** A CHAR(n) value: blank-padded or cut to n characters. */
    private static String fixedChar(String text, int n) {
        if (n < 0 || text.length() == n) {
            return text;
        }
        return text.length() < n ? text + " ".repeat(n - text.length()) : text.substring(0, n);
    }

    /** SplitMix64's finalizer: a well-mixed 64-bit function of its input. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    @Override
    public List<Change> replay(JsonNode from, JsonNode to) {
        return generate(from.path("index").asLong(), to.path("index").asLong());
    }

    @Override
    public void close() {
        feed.close();
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

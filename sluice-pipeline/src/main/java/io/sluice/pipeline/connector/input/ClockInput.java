package io.sluice.pipeline.connector.input;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.engine.algebra.Row;
import io.sluice.pipeline.config.ClockConfig;
import io.sluice.pipeline.format.Change;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in input endpoint {@code now} (transport {@code clock}) of a program that uses
 * {@code NOW()}: it keeps exactly one row, the current time, in the program's clock input. Moving
 * the clock is one change, the old row out and the new one in, pushed like any connector's records,
 * so the step that takes it is the step where every view sees the new time.
 *
 * <p>By default a thread moves the clock to the wall-clock time, rounded down to the resolution,
 * once per resolution while the pipeline runs (a paused pipeline's clock stands still). With
 * {@code dev_tweaks.now_http_driven} only {@link #advance} moves it, for deterministic tests.
 *
 * <p>Its position is the time it last pushed and the timezone offset, e.g.
 * {@code {"now_ms": 1700000000000, "timezone_offset": "+05:30"}} ({@code {}} before the first push).
 * A checkpoint records the position of the time its state holds, so a restored clock retracts
 * exactly the row the state has, and keeps the checkpoint's offset. The journal replays a move from
 * its two positions.
 *
 * <p>Thread safety: moves are serialized by {@code this}; the clock thread and HTTP handlers call in.
 */
public final class ClockInput implements InputConnector {
    private static final Logger LOG = LoggerFactory.getLogger(ClockInput.class);

    private final ClockConfig config;
    private final Feed feed;
    private final LongSupplier wallClock;
    private ZoneOffset offset;
    /** The time the clock input holds (as pushed), epoch milliseconds; null before the first push. */
    private Long nowMs;
    private volatile Thread thread;

    public ClockInput(ClockConfig config, Feed feed, LongSupplier wallClock) {
        this.config = requireNonNull(config, "config is null");
        this.feed = requireNonNull(feed, "feed is null");
        this.wallClock = requireNonNull(wallClock, "wallClock is null");
        this.offset = config.timezoneOffset();
    }

    /** The value of the clock, with the time it was moved to. */
    public record Reading(long nowMs, LocalDateTime now, long position) {}

    @Override
    public synchronized void start(Optional<JsonNode> resumeAfter) {
        resumeAfter.filter(p -> p.has("now_ms")).ifPresent(p -> {
            nowMs = p.get("now_ms").asLong();
            ZoneOffset saved = ZoneOffset.of(p.path("timezone_offset").asText("Z"));
            if (!saved.equals(offset)) {
                LOG.atWarn().addKeyValue("checkpoint", saved.getId()).addKeyValue("config", offset.getId())
                        .log("clock_timezone_offset is fixed by the checkpoint; the configured value is ignored");
            }
            offset = saved;
        });
        if (config.httpDriven()) {
            if (nowMs == null) {
                move(floor(wallClock.getAsLong()));
            }
            return;
        }
        Thread t = new Thread(this::run, "clock");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Moves the clock to the wall-clock time at most once per resolution, while the pipeline runs. */
    private void run() {
        try {
            while (feed.awaitTurn()) {
                long t = floor(wallClock.getAsLong());
                synchronized (this) {
                    if (nowMs == null || t > nowMs) {
                        move(t);
                    }
                }
                long wait = t + config.resolutionMillis() - wallClock.getAsLong();
                Thread.sleep(Math.max(1, wait));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * {@code POST /clock/advance}: moves an HTTP-driven clock {@code deltaMs} forward (null: to the
     * wall-clock time, rounded down to the resolution) and returns the reading with the input position
     * of the move.
     */
    public synchronized Reading advance(Long deltaMs) {
        if (!config.httpDriven()) {
            throw new IllegalStateException("the clock follows the wall clock; set dev_tweaks.now_http_driven to "
                    + "drive it with /clock/advance");
        }
        if (nowMs == null) {
            throw new IllegalStateException("the clock has not started yet");
        }
        if (deltaMs != null && deltaMs < 0) {
            throw new IllegalArgumentException("delta_ms must not be negative: " + deltaMs);
        }
        long target = deltaMs == null ? Math.max(nowMs, floor(wallClock.getAsLong())) : Math.addExact(nowMs, deltaMs);
        long position = target == nowMs ? feed.endpoint().position() : move(target);
        return new Reading(nowMs, value(nowMs), position);
    }

    /** The current reading, without moving the clock; empty before the first move. */
    public synchronized Optional<Reading> reading() {
        return nowMs == null ? Optional.empty()
                : Optional.of(new Reading(nowMs, value(nowMs), feed.endpoint().position()));
    }

    private long move(long target) {
        JsonNode from = position(nowMs);
        List<Change> changes = changes(nowMs, target, offset);
        nowMs = target;
        return feed.push(changes, 0, from, position(target));
    }

    @Override
    public List<Change> replay(JsonNode from, JsonNode to) {
        ZoneOffset o = ZoneOffset.of(to.path("timezone_offset").asText("Z"));
        return changes(from.has("now_ms") ? from.get("now_ms").asLong() : null, to.get("now_ms").asLong(), o);
    }

    private static List<Change> changes(Long from, long to, ZoneOffset offset) {
        List<Change> changes = new ArrayList<>(2);
        if (from != null) {
            changes.add(new Change(Row.of(value(from, offset)), -1));
        }
        changes.add(new Change(Row.of(value(to, offset)), 1));
        return changes;
    }

    private JsonNode position(Long ms) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        if (ms != null) {
            node.put("now_ms", ms);
            node.put("timezone_offset", offset.getId());
        }
        return node;
    }

    private long floor(long ms) {
        return Math.floorDiv(ms, config.resolutionMillis()) * config.resolutionMillis();
    }

    private LocalDateTime value(long ms) {
        return value(ms, offset);
    }

    private static LocalDateTime value(long ms, ZoneOffset offset) {
        return LocalDateTime.ofEpochSecond(Math.floorDiv(ms, 1000), (int) Math.floorMod(ms, 1000) * 1_000_000, offset);
    }

    @Override
    public void close() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

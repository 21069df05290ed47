package io.sluice.pipeline.connector.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.pipeline.config.ClockConfig;
import io.sluice.pipeline.controller.Controller;
import io.sluice.pipeline.controller.InputEndpoint;
import io.sluice.pipeline.format.Change;
import io.sluice.sql.CompiledProgram;
import io.sluice.sql.SqlCompiler;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClockInputTest {
    private static final CompiledProgram PROGRAM = SqlCompiler.compile(
            "CREATE MATERIALIZED VIEW clock AS SELECT NOW() AS n FROM (VALUES (1)) AS t(x);");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AtomicLong wall = new AtomicLong();
    private Controller controller;
    private ClockInput clock;

    private ClockInput clock(ClockConfig config) {
        controller = new Controller(PROGRAM.newCircuit(), Optional.empty(), "fp", Optional.empty(),
                new Controller.Counters());
        InputEndpoint endpoint = controller.endpoints().addInput("now", CompiledProgram.CLOCK_INPUT, false);
        clock = new ClockInput(config, new Feed(controller, endpoint, Long.MAX_VALUE, () -> true), wall::get);
        controller.start();
        controller.resume();
        return clock;
    }

    @AfterEach
    void stop() throws Exception {
        clock.close();
        controller.stop();
        controller.terminated().get(30, TimeUnit.SECONDS);
    }

    /** Waits for the clock view to hold exactly {@code expected}: moves are asynchronous. */
    private void awaitClock(LocalDateTime expected) throws InterruptedException {
        Batch want = Batch.builder().add(Row.of(expected), 1).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!controller.snapshot("clock").equals(want) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(controller.snapshot("clock")).isEqualTo(want);
    }

    private static LocalDateTime epoch(int seconds) {
        return LocalDateTime.of(1970, 1, 1, 0, 0).plusSeconds(seconds);
    }

    @Test
    void wallClockMode_followsTheWallClockRoundedDownToTheResolution() throws Exception {
        wall.set(10_500);
        clock(new ClockConfig(1000, ZoneOffset.UTC, false)).start(Optional.empty());
        awaitClock(epoch(10));
        wall.set(12_999);
        awaitClock(epoch(12));
        assertThatThrownBy(() -> clock.advance(5L)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("now_http_driven");
    }

    @Test
    void httpMode_movesOnlyWhenAsked_withTheTimezoneOffset() throws Exception {
        wall.set(10_500);
        clock(new ClockConfig(1000, ZoneOffset.ofHoursMinutes(5, 30), true)).start(Optional.empty());
        LocalDateTime start = LocalDateTime.of(1970, 1, 1, 5, 30, 10);
        awaitClock(start);
        ClockInput.Reading r = clock.advance(90_000L);
        assertThat(r.nowMs()).isEqualTo(100_000);
        assertThat(r.now()).isEqualTo(start.plusSeconds(90));
        awaitClock(start.plusSeconds(90));
        wall.set(500_000);
        assertThat(clock.advance(null).nowMs()).as("null: to the wall clock").isEqualTo(500_000);
        wall.set(1_000);
        assertThat(clock.advance(null).nowMs()).as("never backwards").isEqualTo(500_000);
        assertThatThrownBy(() -> clock.advance(-1L)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void restoredPosition_keepsTheCheckpointsTimeAndOffset_andReplayRebuildsAMove() throws Exception {
        wall.set(99_000_000);
        clock(new ClockConfig(1000, ZoneOffset.UTC, true))
                .start(Optional.of(JSON.readTree("{\"now_ms\": 7000, \"timezone_offset\": \"+01:00\"}")));
        assertThat(clock.reading().orElseThrow().now()).isEqualTo(LocalDateTime.of(1970, 1, 1, 1, 0, 7));
        List<Change> replay = clock.replay(JSON.readTree("{\"now_ms\": 7000, \"timezone_offset\": \"+01:00\"}"),
                JSON.readTree("{\"now_ms\": 9000, \"timezone_offset\": \"+01:00\"}"));
        assertThat(replay).containsExactly(new Change(Row.of(LocalDateTime.of(1970, 1, 1, 1, 0, 7)), -1),
                new Change(Row.of(LocalDateTime.of(1970, 1, 1, 1, 0, 9)), 1));
        assertThat(clock.replay(JSON.readTree("{}"), JSON.readTree("{\"now_ms\": 0, \"timezone_offset\": \"Z\"}")))
                .containsExactly(new Change(Row.of(epoch(0)), 1));
    }
}

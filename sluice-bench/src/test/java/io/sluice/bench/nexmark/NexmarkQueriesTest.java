package io.sluice.bench.nexmark;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.bench.ResultLine;
import io.sluice.sql.SqlCompileException;
import io.sluice.sql.SqlCompiler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs every Nexmark query over 20,000 events and checks each one Sluice compiles against DuckDB.
 * q0-q3 and q7 must compile and match; the others must either compile and answer right or be refused by the
 * compiler (they use SQL that is still being added), never answer wrong.
 */
class NexmarkQueriesTest {
    @ParameterizedTest(name = "{0} worker(s)")
    @ValueSource(ints = {1, 2})
    void everyQueryThatCompilesAnswersLikeDuckDb(int workers) throws Exception {
        List<ResultLine> lines = new ArrayList<>();
        List<NexmarkScenario.QueryOutcome> outcomes = NexmarkScenario.runAll(new NexmarkGenerator(42), 20_000,
                NexmarkQueries.ALL, 1_000, workers, true, 1_000_000, lines);
        assertThat(outcomes).extracting(NexmarkScenario.QueryOutcome::query)
                .containsExactlyInAnyOrderElementsOf(NexmarkQueries.ALL);
        for (NexmarkScenario.QueryOutcome o : outcomes) {
            if (List.of("q0", "q1", "q2", "q3", "q7").contains(o.query())) {
                assertThat(o.refusal()).as(o.query() + " compiles").isNull();
            }
            if (o.refusal() != null) {
                assertThat(lines).extracting(ResultLine::toString).contains("RESULT nexmark_" + o.query() + "_refused 1 flag");
                continue;
            }
            assertThat(o.failure()).as(o.query() + " runs").isNull();
            assertThat(o.differences()).as(o.query() + " rows that differ from DuckDB").isEmpty();
            assertThat(o.correct()).as(o.query() + " matches DuckDB").isTrue();
            assertThat(o.sluice().events()).isEqualTo(20_000);
            assertThat(o.sluice().steps()).isEqualTo(20);
            assertThat(o.sluice().workers()).isEqualTo(workers);
            // the other workers' threads ran stages of every step, and their CPU time is counted
            if (workers > 1) {
                assertThat(o.sluice().workerCpuSeconds()).as(o.query() + " worker threads' CPU").isPositive();
                assertThat(o.sluice().cpuSeconds()).isGreaterThan(o.sluice().workerCpuSeconds());
            } else {
                assertThat(o.sluice().workerCpuSeconds()).isZero();
            }
        }
        // the answers are not trivially empty
        assertThat(outcomes.stream().filter(o -> o.query().equals("q2")).findFirst().orElseThrow()
                .sluice().digest().rows()).isPositive();
        assertThat(outcomes.stream().filter(o -> o.query().equals("q3")).findFirst().orElseThrow()
                .sluice().digest().rows()).isPositive();
        assertThat(outcomes.stream().filter(o -> o.query().equals("q7")).findFirst().orElseThrow()
                .sluice().digest().rows()).isPositive();
    }

    @Test
    void aWrongAnswerIsCaught() throws Exception {
        // q2's view with a different modulus must not pass as q2
        var program = SqlCompiler.compile(NexmarkQueries.tables()
                + "CREATE VIEW q2 AS SELECT auction, price FROM bid WHERE auction % 124 = 0;");
        NexmarkGenerator g = new NexmarkGenerator(42);
        SluiceNexmarkRun.Result r = SluiceNexmarkRun.run("q2", program, g, 20_000, 1_000, 1_000_000);
        try (DuckDbOracle oracle = DuckDbOracle.open()) {
            oracle.load(g, 20_000);
            ResultDigest expected = oracle.digest(NexmarkQueries.oracle("q2"), 1_000_000);
            assertThat(r.digest().sameAs(expected)).isFalse();
            assertThat(r.digest().differences(expected, 5)).isNotEmpty();
        }
    }

    @Test
    void aRefusedQueryCarriesTheCompilersMessage() {
        try {
            SqlCompiler.compile(NexmarkQueries.program("q9"));
        } catch (SqlCompileException e) {
            assertThat(e.getMessage()).startsWith("line ");
        }
    }
}

package io.sluice.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.bench.BenchArguments;
import io.sluice.bench.ResultLine;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code report} command end to end at the {@code tiny} profile: every benchmark of the set runs
 * as a child JVM (sigterm-exit against the reactor's real {@code sluice.jar}), and the report's files
 * land in a temporary directory. Checks the files, not the speed: the PNGs decode at the charts' size,
 * the JSON and CSV hold every figure the children printed, and the Markdown has a row for each.
 */
class ReportIT {
    @TempDir
    Path out;

    @Test
    void tinyReport_writesResultsMarkdownAndCharts() throws Exception {
        String jar = Path.of(System.getProperty("sluice.jar", "../sluice-pipeline/target/sluice.jar")).toAbsolutePath().toString();
        ReportScenario report = new ReportScenario();

        List<ResultLine> figures = report.run(BenchArguments.parse(
                List.of("--profile", "tiny", "--out", out.toString(), "--jar", jar), report.options()));

        for (String file : List.of(ReportWriter.MARKDOWN, ReportWriter.JSON, ReportWriter.CSV)) {
            assertThat(out.resolve(file)).isRegularFile();
        }
        for (String png : List.of(ReportWriter.NEXMARK_PNG, ReportWriter.RECOMPUTE_PNG, ReportWriter.CHECKPOINT_PNG,
                ReportWriter.SIGTERM_PNG)) {
            BufferedImage image = ImageIO.read(out.resolve(png).toFile());
            assertThat(image).as(png + " decodes").isNotNull();
            assertThat(image.getWidth()).as(png + " width").isEqualTo(960);
            assertThat(image.getHeight()).as(png + " height").isEqualTo(540);
        }

        // the figures of each benchmark, as the JSON names them
        JsonNode json = new ObjectMapper().readTree(out.resolve(ReportWriter.JSON).toFile());
        assertThat(json.path("profile").asText()).isEqualTo("tiny");
        assertThat(json.path("machine").path("nproc").asInt()).isEqualTo(Runtime.getRuntime().availableProcessors());
        List<String> benchmarks = new ArrayList<>();
        List<String> expectedRows = new ArrayList<>();
        int count = 0;
        for (JsonNode b : json.path("benchmarks")) {
            String benchmark = b.path("benchmark").asText();
            benchmarks.add(benchmark);
            assertThat(b.path("exit_code").asInt()).as(benchmark + " exit code").isZero();
            assertThat(b.path("command").asText()).startsWith("java").contains("sluice-bench.jar " + benchmark + " ");
            for (JsonNode r : b.path("results")) {
                StringJoiner labels = new StringJoiner(", ");
                r.path("labels").fields().forEachRemaining(e -> labels.add(e.getKey() + "=" + e.getValue().asText()));
                ResultLine figure = figures.get(count++);
                assertThat(r.path("name").asText()).isEqualTo(figure.name());
                assertThat(r.path("value").asDouble()).isEqualTo(figure.value());
                expectedRows.add("| " + benchmark + " | " + figure.name() + " | " + labels + " | "
                        + figure.formattedValue() + " | " + figure.unit() + " |");
            }
        }
        assertThat(benchmarks).containsExactly("nexmark", "recompute-vs-incremental", "checkpoint", "sigterm-exit");
        assertThat(count).isEqualTo(figures.size());
        assertThat(Files.readAllLines(out.resolve(ReportWriter.CSV))).hasSize(figures.size() + 1);

        // each benchmark measured what the report charts
        assertThat(figures).extracting(ResultLine::toString)
                .anyMatch(l -> l.startsWith("RESULT nexmark_q0_events_per_sec "))
                .contains("RESULT nexmark_q0_correct 1 flag", "RESULT nexmark_q3_correct 1 flag")
                .anyMatch(l -> l.startsWith("RESULT incremental_step_ms{view=join,rows=20000,change=100} "))
                .anyMatch(l -> l.startsWith("RESULT restore_read_mb_per_sec{rows=20000,workers=2} "))
                .anyMatch(l -> l.startsWith("RESULT sigterm_exit_ms{rows=5000,variant=recent-checkpoint} "));
        assertThat(figures).filteredOn(r -> r.name().endsWith("_correct") || r.name().endsWith("_equal"))
                .allSatisfy(r -> assertThat(r.value()).as(r.toString()).isEqualTo(1));

        String markdown = Files.readString(out.resolve(ReportWriter.MARKDOWN));
        assertThat(markdown).contains("tiny profile: a smoke run", "## Machine", "## Commands",
                "](" + ReportWriter.NEXMARK_PNG + ")", "](" + ReportWriter.RECOMPUTE_PNG + ")",
                "](" + ReportWriter.CHECKPOINT_PNG + ")", "](" + ReportWriter.SIGTERM_PNG + ")");
        List<String> lines = markdown.lines().toList();
        assertThat(lines).containsAll(expectedRows);
        // and no other rows in the table of every figure
        List<String> table = lines.subList(lines.indexOf("## Every figure"), lines.size()).stream()
                .filter(l -> l.startsWith("| ") && !l.startsWith("| benchmark |")).toList();
        assertThat(table).containsExactlyElementsOf(expectedRows);
    }
}

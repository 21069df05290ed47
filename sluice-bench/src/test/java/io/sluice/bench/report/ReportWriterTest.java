package io.sluice.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.bench.ResultLine;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's files from given figures (no benchmark runs): the Flink columns, a failure, the plans. */
class ReportWriterTest {
    @TempDir
    Path dir;

    private static ResultLine line(String name, double value, String unit) {
        return new ResultLine(name, Map.of(), value, unit);
    }

    @Test
    void flinkFigures_addTheirColumnsAndSeries_andAFailureIsShown() throws Exception {
        List<ReportScenario.Step> steps = ReportScenario.plan("full", true, "sluice.jar",
                List.of(ReportScenario.NEXMARK, ReportScenario.CHECKPOINT));
        ReportScenario.Outcome nexmark = new ReportScenario.Outcome(steps.get(0), List.of(
                line("nexmark_q0_events_per_sec", 1_500_000, "events/s"),
                line("nexmark_q0_events_per_cpu_sec", 2_000_000, "events/s"),
                line("nexmark_q0_correct", 1, "flag"),
                line("nexmark_q0_flink_events_per_sec", 300_000, "events/s"),
                line("nexmark_q0_sluice_over_flink", 5, "ratio"),
                line("nexmark_q0_flink_agrees", 1, "flag"),
                line("nexmark_q3_events_per_sec", 200_000, "events/s"),
                line("nexmark_q3_correct", 0, "flag"),
                line("nexmark_q7_refused", 1, "flag")), 0, 10, null);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("rows", "10000000");
        labels.put("workers", "2");
        ReportScenario.Outcome checkpoint = new ReportScenario.Outcome(steps.get(1), List.of(
                new ResultLine("checkpoint_full_bytes", labels, 1000, "bytes")), 1, 5, "exit code 1; error: boom");

        new ReportWriter("full", "java -jar sluice-bench/target/sluice-bench.jar report --profile full",
                Map.of("nproc", "2"), List.of(nexmark, checkpoint)).write(dir);

        String md = Files.readString(dir.resolve(ReportWriter.MARKDOWN));
        assertThat(md).startsWith("# Benchmark results\n").doesNotContain("smoke run");
        assertThat(md).contains("| q0 | 2 | 1,500,000 | 1,000,000 | yes | 2,000,000 |")
                .contains("| yes | 300,000 | 5.00x | yes |")
                .contains("| q3 | 2 | 200,000 | 300,000 | no |")
                .contains("| **no** |")
                .contains("| q7 | 2 | refused by the compiler |")
                .contains("**failed**: exit code 1; error: boom")
                .contains("**This benchmark failed** (exit code 1; error: boom)")
                .contains("`java -Xmx8g -jar sluice-bench/target/sluice-bench.jar checkpoint --rows 10000000"
                        + " --change-percent 1 --workers 2`")
                .contains("| checkpoint | checkpoint_full_bytes | rows=10000000, workers=2 | 1000 | bytes |");
        BufferedImage chart = ImageIO.read(dir.resolve(ReportWriter.NEXMARK_PNG).toFile());
        assertThat(chart.getWidth()).isEqualTo(Charts.WIDTH);
        // Flink's series is the third colour
        boolean green = false;
        for (int y = 0; y < chart.getHeight() && !green; y++) {
            for (int x = 0; x < chart.getWidth() && !green; x++) {
                green = (chart.getRGB(x, y) & 0xffffff) == (Charts.PALETTE[2].getRGB() & 0xffffff);
            }
        }
        assertThat(green).as("Flink's bars are drawn").isTrue();
        // the failed checkpoint printed no rates, so it has no chart
        assertThat(dir.resolve(ReportWriter.CHECKPOINT_PNG)).doesNotExist();
        assertThat(Files.readAllLines(dir.resolve(ReportWriter.CSV))).contains(
                "nexmark,nexmark_q0_events_per_sec,,1500000,events/s",
                "checkpoint,checkpoint_full_bytes,rows=10000000;workers=2,1000,bytes");
    }

    @Test
    void plans_useTheIssueSizesInFull_andSmallOnesOtherwise() {
        assertThat(ReportScenario.plan("full", false, "sluice.jar", ReportScenario.ALL))
                .extracting(ReportScenario.Step::command).containsExactly(
                        "java -jar sluice-bench/target/sluice-bench.jar nexmark --events 10000000 --workers 2 --batch 10000 --check true",
                        "java -jar sluice-bench/target/sluice-bench.jar recompute-vs-incremental --rows 10000000 --change 100 --repeats 10",
                        "java -Xmx8g -jar sluice-bench/target/sluice-bench.jar checkpoint --rows 10000000 --change-percent 1 --workers 2",
                        "java -jar sluice-bench/target/sluice-bench.jar sigterm-exit --rows 100000,1000000,10000000 --jar sluice.jar"
                                + " --jvm-options -Xmx12g");
        assertThat(ReportScenario.plan("quick", true, "x.jar", List.of(ReportScenario.NEXMARK)))
                .extracting(ReportScenario.Step::command).containsExactly(
                        "java -jar sluice-bench/target/sluice-bench.jar nexmark --events 100000 --workers 2 --batch 10000"
                                + " --check true --flink true");
    }
}

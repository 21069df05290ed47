package io.sluice.bench;

import io.sluice.bench.engine.BatchBuildBenchmark;
import io.sluice.bench.engine.CheckpointWriteBenchmark;
import io.sluice.bench.engine.EngineScenarios;
import io.sluice.bench.nexmark.NexmarkScenario;
import io.sluice.bench.nexmark.RecomputeVsIncrementalScenario;
import io.sluice.bench.pipeline.IngressScenario;
import io.sluice.bench.pipeline.KafkaIngestScenario;
import io.sluice.bench.pipeline.SigtermExitScenario;
import io.sluice.bench.report.ReportScenario;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar sluice-bench.jar NAME [--option value ...]} runs one named benchmark and ends
 * with one {@code RESULT name{labels} value unit} line per figure; {@code list} names them all.
 * Exit codes: 0 after a run, 1 for a failed run, 2 for a bad command line.
 */
public final class BenchMain {
    private BenchMain() {
    }

    static Map<String, Scenario> scenarios() {
        Map<String, Scenario> all = new LinkedHashMap<>();
        for (Scenario s : List.of(new SigtermExitScenario(), new IngressScenario(), new KafkaIngestScenario(),
                new JmhScenario(BatchBuildBenchmark.class), new JmhScenario(CheckpointWriteBenchmark.class),
                new NexmarkScenario(), new RecomputeVsIncrementalScenario(), new ReportScenario())) {
            all.put(s.name(), s);
        }
        EngineScenarios.all().forEach(s -> all.put(s.name(), s));
        return all;
    }

    public static void main(String[] args) {
        Map<String, Scenario> scenarios = scenarios();
        if (args.length == 0 || args[0].equals("list") || args[0].equals("--help")) {
            System.out.println("usage: java -jar sluice-bench.jar NAME [--option value ...]");
            scenarios.values().forEach(s -> System.out.println("  " + s.name() + "  " + s.description()));
            return;
        }
        Scenario scenario = scenarios.get(args[0]);
        if (scenario == null) {
            System.err.println("error: no benchmark named " + args[0] + "; known: " + scenarios.keySet());
            System.exit(2);
        }
        BenchArguments arguments;
        try {
            arguments = BenchArguments.parse(Arrays.asList(args).subList(1, args.length), scenario.options());
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        List<ResultLine> results;
        try {
            results = scenario.run(arguments);
        } catch (Exception e) {
            System.err.println("error: " + scenario.name() + " failed: " + e);
            e.printStackTrace(System.err);
            System.exit(1);
            return;
        }
        results.forEach(System.out::println);
        System.exit(0);
    }
}

package io.sluice.bench;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one JMH class through the JMH Runner API: its include pattern names exactly that class, one
 * fork, few short iterations (a smoke-sized run; raise them for numbers to quote), and the JSON
 * result file {@code target/jmh-<Class>.json} unless {@code --result} says otherwise.
 */
final class JmhScenario implements Scenario {
    private static final Logger LOG = LoggerFactory.getLogger(JmhScenario.class);
    private final Class<?> benchmark;

    JmhScenario(Class<?> benchmark) {
        this.benchmark = requireNonNull(benchmark, "benchmark is null");
    }

    @Override
    public String name() {
        return benchmark.getSimpleName();
    }

    @Override
    public String description() {
        return "JMH " + benchmark.getName() + " [--warmup 2] [--iterations 3] [--seconds 1] [--forks 1]"
                + " [--param name=v1;v2] [--result file.json]";
    }

    @Override
    public Set<String> options() {
        return Set.of("warmup", "iterations", "seconds", "forks", "param", "result");
    }

    @Override
    public List<ResultLine> run(BenchArguments args) throws Exception {
        Path result = args.path("result", "target/jmh-" + name() + ".json").toAbsolutePath();
        Files.createDirectories(result.getParent());
        TimeValue time = new TimeValue(args.positiveInt("seconds", 1), TimeUnit.SECONDS);
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("^" + Pattern.quote(benchmark.getName()) + "\\.")
                .forks(args.positiveInt("forks", 1))
                .warmupIterations(args.positiveInt("warmup", 2)).warmupTime(time)
                .measurementIterations(args.positiveInt("iterations", 3)).measurementTime(time)
                .resultFormat(ResultFormatType.JSON).result(result.toString());
        if (args.has("param")) {
            String[] nameValues = args.string("param", "").split("=", 2);
            if (nameValues.length != 2) {
                throw new IllegalArgumentException("--param must be name=v1;v2: " + args.string("param", ""));
            }
            options.param(nameValues[0], nameValues[1].split(";"));
        }
        List<ResultLine> lines = new ArrayList<>();
        for (RunResult run : new Runner(options.build()).run()) {
            Result<?> primary = run.getPrimaryResult();
            String method = run.getParams().getBenchmark().substring(benchmark.getName().length() + 1);
            lines.add(new ResultLine(name() + "." + method, params(run), primary.getScore(), primary.getScoreUnit()));
        }
        LOG.info("JMH results written to {}", result);
        return lines;
    }

    private static Map<String, String> params(RunResult run) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String key : run.getParams().getParamsKeys()) {
            labels.put(key, run.getParams().getParam(key));
        }
        return labels;
    }
}

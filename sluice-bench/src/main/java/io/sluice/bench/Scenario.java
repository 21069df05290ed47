package io.sluice.bench;

import java.util.List;
import java.util.Set;

/** One named benchmark that {@link BenchMain} can run: it measures, then returns its figures. */
public interface Scenario {
    /** The name on the command line, e.g. {@code sigterm-exit} or {@code BatchBuildBenchmark}. */
    String name();

    /** One line for {@code list}. */
    String description();

    /** The {@code --option} names it accepts, without the dashes. */
    Set<String> options();

    /** Runs the benchmark; the figures are printed after it returns, one {@code RESULT} line each. */
    List<ResultLine> run(BenchArguments args) throws Exception;
}

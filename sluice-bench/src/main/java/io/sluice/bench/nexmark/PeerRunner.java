package io.sluice.bench.nexmark;

/**
 * Another stream processor running a Nexmark query over the same generated events, for a side-by-side
 * figure. Implementations live behind build profiles (Flink: {@code -Pflink}) and are loaded by name.
 */
public interface PeerRunner {
    /**
     * @param seconds wall-clock time from the first event handed over to the last result received
     * @param digest the query's final answer
     */
    record PeerResult(double seconds, ResultDigest digest) {
    }

    /** Runs {@code query} over events {@code 0 .. events-1} of {@code generator}. */
    PeerResult run(String query, NexmarkGenerator generator, long events, int parallelism) throws Exception;
}

package io.sluice.pipeline.connector.input;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.pipeline.format.Change;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * A source of records for one table. It reads on its own thread and hands records to the
 * controller through its {@link Feed}, each push tagged with the source range it covers, so a
 * checkpoint can record where to resume and the journal can read a step's records again.
 *
 * <p>Every connector here is seekable: {@link #start} resumes after any position it reported, and
 * {@link #replay} reads the records of a reported range again, identically.
 */
public interface InputConnector extends AutoCloseable {
    /** Starts reading after {@code resumeAfter} (empty: from the start of the source), on its own thread. */
    void start(Optional<JsonNode> resumeAfter);

    /** The records between {@code from} and {@code to} (two positions this connector reported), parsed again. */
    List<Change> replay(JsonNode from, JsonNode to) throws IOException;

    /** Stops reading; returns once the reading thread has ended. */
    @Override
    void close();
}

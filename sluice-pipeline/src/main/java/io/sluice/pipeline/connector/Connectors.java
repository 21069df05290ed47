package io.sluice.pipeline.connector;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.pipeline.api.ErrorCode;
import io.sluice.pipeline.api.SluiceException;
import io.sluice.pipeline.config.ConfigException;
import io.sluice.pipeline.config.EndpointConfig;
import io.sluice.pipeline.config.EndpointConfigParser;
import io.sluice.pipeline.config.FaultToleranceModel;
import io.sluice.pipeline.config.PipelineConfig;
import io.sluice.pipeline.connector.input.ClockInput;
import io.sluice.pipeline.connector.input.Datagen;
import io.sluice.pipeline.connector.input.Feed;
import io.sluice.pipeline.connector.input.FileInput;
import io.sluice.pipeline.connector.input.InputConnector;
import io.sluice.pipeline.connector.input.KafkaInput;
import io.sluice.pipeline.connector.input.RecordParser;
import io.sluice.pipeline.connector.output.FileOutput;
import io.sluice.pipeline.connector.output.KafkaOutput;
import io.sluice.pipeline.connector.output.OutputConnector;
import io.sluice.pipeline.controller.Controller;
import io.sluice.pipeline.controller.InputEndpoint;
import io.sluice.pipeline.controller.OutputEndpoint;
import io.sluice.pipeline.controller.StepRange;
import io.sluice.pipeline.format.Change;
import io.sluice.pipeline.storage.CheckpointRecord;
import io.sluice.pipeline.storage.StorageDirectory;
import io.sluice.sql.CompiledProgram;
import io.sluice.sql.Relation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured connectors of one pipeline: from the config file's {@code inputs}/{@code outputs}
 * and the tables' and views' {@code 'connectors'} properties.
 *
 * <p>Lifecycle, driven by {@code Pipeline} during initialization: {@link #create} checks every
 * connector config against the program; {@link #open} registers the endpoints with the
 * controller, opens the outputs and subscribes them, seeds every input's position from the
 * checkpoint and, with exactly-once, replays the journaled steps after it (checking each step's
 * record counts and hashes) and installs the journal; {@link #start} starts the inputs after the
 * last position; {@link #close} stops them all.
 */
public final class Connectors implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Connectors.class);

    private final PipelineConfig config;
    private final CompiledProgram program;
    private final List<EndpointConfig> inputConfigs;
    private final List<EndpointConfig> outputConfigs;
    private final Map<String, InputConnector> inputs = new LinkedHashMap<>();
    private final Map<String, InputEndpoint> inputEndpoints = new LinkedHashMap<>();
    private final List<Feed> feeds = new ArrayList<>();
    private final List<OutputConnector> outputs = new ArrayList<>();
    private ClockInput clock;

    private Connectors(PipelineConfig config, CompiledProgram program, List<EndpointConfig> inputs,
            List<EndpointConfig> outputs) {
        this.config = config;
        this.program = program;
        this.inputConfigs = List.copyOf(inputs);
        this.outputConfigs = List.copyOf(outputs);
    }

    /** Collects and checks every connector; a bad one is a config error naming it. */
    public static Connectors create(PipelineConfig config, CompiledProgram program) throws ConfigException {
        requireNonNull(config, "config is null");
        requireNonNull(program, "program is null");
        List<EndpointConfig> in = new ArrayList<>(config.inputs());
        List<EndpointConfig> out = new ArrayList<>(config.outputs());
        for (Relation t : program.tables()) {
            String property = program.tableProperties(t.name()).get("connectors");
            if (property != null) {
                in.addAll(EndpointConfigParser.parseSqlProperty(t.name(), property));
            }
        }
        for (Relation v : program.views()) {
            String property = program.viewProperties(v.name()).get("connectors");
            if (property != null) {
                out.addAll(EndpointConfigParser.parseSqlProperty(v.name(), property));
            }
        }
        EndpointConfigParser.validateStartAfter(in);
        for (EndpointConfig c : in) {
            if (program.table(c.stream()).isEmpty()) {
                throw new ConfigException("input '" + c.name() + "' feeds '" + c.stream() + "', which is not a table");
            }
            if (!List.of("file_input", "datagen", "kafka_input").contains(c.transport())) {
                throw new ConfigException("input '" + c.name() + "': transport '" + c.transport()
                        + "' is not supported; use file_input, datagen or kafka_input");
            }
        }
        for (EndpointConfig c : out) {
            if (program.view(c.stream()).isEmpty()) {
                throw new ConfigException("output '" + c.name() + "' reads '" + c.stream() + "', which is not a view");
            }
            if (!List.of("file_output", "kafka_output").contains(c.transport())) {
                throw new ConfigException("output '" + c.name() + "': transport '" + c.transport()
                        + "' is not supported; use file_output or kafka_output");
            }
        }
        return new Connectors(config, program, in, out);
    }

    public boolean isEmpty() {
        return inputConfigs.isEmpty() && outputConfigs.isEmpty();
    }

    /**
     * Registers and opens everything, then (exactly-once) replays the journal. Runs before the
     * controller starts; {@code restored} is the checkpoint the circuit was restored from.
     */
    public void open(Controller controller, Optional<StorageDirectory> storage, Optional<CheckpointRecord> restored)
            throws Exception {
        boolean exactlyOnce = config.faultTolerance() == FaultToleranceModel.EXACTLY_ONCE && storage.isPresent();
        Optional<InputJournal> journal = exactlyOnce
                ? Optional.of(new InputJournal(storage.get().path().resolve("journal"))) : Optional.empty();
        long checkpointStep = restored.map(CheckpointRecord::step).orElse(0L);
        List<InputJournal.Entry> replay = journal.map(j -> j.entriesAfter(checkpointStep)).orElse(List.of());
        boolean resuming = restored.isPresent() || !replay.isEmpty();
        for (EndpointConfig c : inputConfigs) {
            openInput(controller, c, restored);
        }
        if (program.usesClock()) {
            openClock(controller, restored);
        }
        for (EndpointConfig c : outputConfigs) {
            Relation view = program.view(c.stream()).orElseThrow();
            OutputEndpoint endpoint = controller.endpoints().addOutput(c.name(), view.name());
            OutputConnector sink = switch (c.transport()) {
                case "file_output" -> new FileOutput(c, view, endpoint, exactlyOnce);
                case "kafka_output" -> new KafkaOutput(c, view, endpoint, exactlyOnce, config.name());
                default -> throw new IllegalStateException(c.transport());
            };
            sink.open(resuming);
            outputs.add(sink);
            controller.subscribe(view.name(), sink);
        }
        if (journal.isPresent()) {
            replay(controller, replay);
            controller.setStepHook(journal.get());
        }
    }

    private void openInput(Controller controller, EndpointConfig c, Optional<CheckpointRecord> restored)
            throws ConfigException {
        Relation table = program.table(c.stream()).orElseThrow();
        InputEndpoint endpoint = controller.endpoints().addInput(c.name(), table.name(), c.paused());
        Feed feed = new Feed(controller, endpoint, c.maxQueuedRecords(), () -> startAllowed(c));
        InputConnector connector = switch (c.transport()) {
            case "file_input" -> new FileInput(c, RecordParser.of(c, table), feed);
            case "datagen" -> new Datagen(c, table, feed);
            case "kafka_input" -> new KafkaInput(c, RecordParser.of(c, table), feed);
            default -> throw new IllegalStateException(c.transport());
        };
        JsonNode position = restored.map(r -> r.inputPositions().get(c.name())).orElse(null);
        if (position != null) {
            endpoint.initResumePosition(position);
        }
        inputs.put(c.name(), connector);
        inputEndpoints.put(c.name(), endpoint);
        feeds.add(feed);
    }

    /**
     * The built-in clock endpoint {@code now} of a program that uses NOW(): a connector like the others
     * (its position is checkpointed and journaled), fed to the program's clock input.
     */
    private void openClock(Controller controller, Optional<CheckpointRecord> restored) {
        String name = CompiledProgram.CLOCK_INPUT;
        InputEndpoint endpoint = controller.endpoints().addInput(name, CompiledProgram.CLOCK_INPUT, false);
        Feed feed = new Feed(controller, endpoint, Long.MAX_VALUE, () -> true);
        clock = new ClockInput(config.clock(), feed, System::currentTimeMillis);
        JsonNode position = restored.map(r -> r.inputPositions().get(name)).orElse(null);
        if (position != null) {
            endpoint.initResumePosition(position);
        }
        inputs.put(name, clock);
        inputEndpoints.put(name, endpoint);
        feeds.add(feed);
    }

    /** The clock endpoint, when the program uses NOW(); set by {@link #open}. */
    public Optional<ClockInput> clock() {
        return Optional.ofNullable(clock);
    }

    /** True once every input carrying a label {@code c} starts after has reached its end. */
    private boolean startAllowed(EndpointConfig c) {
        for (String label : c.startAfter()) {
            for (EndpointConfig other : inputConfigs) {
                if (other.labels().contains(label) && !inputEndpoints.get(other.name()).endOfInput()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Runs each journaled step again with the same input, checking counts and hashes, before the controller starts. */
    private void replay(Controller controller, List<InputJournal.Entry> entries) throws Exception {
        if (entries.isEmpty()) {
            return;
        }
        LOG.atInfo().addKeyValue("steps", entries.size()).addKeyValue("first", entries.get(0).step())
                .addKeyValue("last", entries.get(entries.size() - 1).step()).log("replaying the input journal");
        for (InputJournal.Entry entry : entries) {
            // Steps without connector input were not journaled; run them empty so step numbers line up.
            while (controller.completedSteps() < entry.step() - 1) {
                controller.stepOnce();
            }
            for (Map.Entry<String, JsonNode> in : entry.inputs().properties()) {
                InputConnector connector = inputs.get(in.getKey());
                if (connector == null) {
                    throw replayFailure(entry.step(), "input " + in.getKey() + " is no longer configured");
                }
                JsonNode e = in.getValue();
                List<Change> changes = connector.replay(e.get("from"), e.get("to"));
                long hash = InputJournal.hash(changes);
                if (changes.size() != e.path("num_records").asLong() || hash != e.path("hash").asLong()) {
                    throw replayFailure(entry.step(), "input " + in.getKey() + " read " + changes.size()
                            + " records with hash " + hash + ", but the journal recorded " + e.path("num_records").asLong()
                            + " with hash " + e.path("hash").asLong());
                }
                controller.push(inputEndpoints.get(in.getKey()), changes, 0, new StepRange(e.get("from"), e.get("to")));
            }
            controller.stepOnce();
            if (controller.completedSteps() != entry.step()) {
                throw replayFailure(entry.step(), "the replay reached step " + controller.completedSteps());
            }
        }
        LOG.info("input journal replayed; resuming at step {}", controller.completedSteps());
    }

    private static SluiceException replayFailure(long step, String why) {
        return new SluiceException(ErrorCode.INITIALIZATION_ERROR, "ReplayFailure: cannot replay journaled step " + step
                + ": " + why, Map.of("error", "ReplayFailure", "step", step));
    }

    /** Starts every input after its position: the checkpoint's, or the last replayed step's. */
    public void start() {
        for (Map.Entry<String, InputConnector> e : inputs.entrySet()) {
            e.getValue().start(inputEndpoints.get(e.getKey()).resumePosition());
        }
    }

    @Override
    public void close() {
        feeds.forEach(Feed::close);
        for (InputConnector c : inputs.values()) {
            c.close();
        }
        for (OutputConnector o : outputs) {
            o.close();
        }
    }
}

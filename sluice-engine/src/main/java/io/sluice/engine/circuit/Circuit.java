package io.sluice.engine.circuit;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.operator.InputOperator;
import io.sluice.engine.operator.IntegrateOperator;
import io.sluice.engine.operator.StatefulOperator;
import io.sluice.engine.operator.time.LatenessOperator;
import io.sluice.engine.operator.time.WaterlineOperator;
import io.sluice.engine.trace.Spine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A built circuit. One thread, the owner, calls {@link #append}, {@link #step}, {@link #capture},
 * {@link #restore} and {@link #close}; {@link #snapshot} may be called from any thread.
 *
 * <p>Design. The nodes are held in creation order, which is a valid evaluation order, and a step
 * evaluates each live node exactly once, feeding it this step's deltas of its inputs. Node i has the
 * id {@code "n<i>-<kind>"}, the same for every build of the same program, and that id names its
 * state in a {@link CircuitState}.
 *
 * <p>Workers. A circuit built with N &gt; 1 workers holds N copies of every node. An appended row
 * goes to the copy of its input on the worker its partition key hashes to (the primary key of an
 * upsert input, the whole row otherwise). Each stateful operator that keeps state by key (join,
 * antijoin, distinct, aggregates, top-k) starts a <em>stage</em>: its keyed inputs are
 * exchanged, every entry going to the worker its key hashes to, so each key's state lives on one
 * worker. Global aggregates (one output row) run on worker 0 only, which receives all their input.
 * A step runs the stages in order; within a stage the N workers run their copies in parallel (worker
 * 0 on the owner thread, the others on the circuit's threads), and the step is complete when every
 * worker finished every stage. The two scalars a worker cannot know alone are combined: a
 * waterline is the maximum of the workers' waterlines (at the end of its stage), and the late
 * filter's largest timestamp is set to the maximum over all workers after each step. Output deltas
 * and snapshots are the sum of the workers' copies. Results do not depend on N.
 *
 * <p>Invariants: between steps every stateful operator holds the integral of its inputs over all
 * completed steps, and its state is a list of immutable batches, so {@link #capture()} copies no
 * data. A step is atomic: if an operator throws, every operator is put back to its state before the
 * step (from a capture taken when the step began), the step's input is dropped, and the exception
 * propagates; the circuit can keep stepping. Materialized outputs publish their contents after the
 * last node ran, so {@link #snapshot} sees only completed steps.
 *
 * <p>Checkpoints. With one worker an operator's state is saved under its node id; with N workers
 * under {@code <id>@w<k>of<N>}. A state restores only into a circuit with the same number of
 * workers (a different number is refused with a message naming both).
 */
public final class Circuit implements AutoCloseable {
    private static final Pattern WORKER_SUFFIX = Pattern.compile("@w(\\d+)of(\\d+)$");

    private final List<List<Node>> copies;
    private final int workers;
    private final int size;
    private final Map<String, Integer> inputs;
    private final Map<String, Output> outputs;
    /** Node indices of each stage, in order; every exchanged node begins a stage. */
    private final List<int[]> stages;
    /** Whether node i's output is read through a key exchange (so each worker splits it by key). */
    private final boolean[] split;
    private final ExecutorService pool;
    private volatile Map<String, View> views = Map.of();
    private long steps;

    Circuit(List<List<Node>> copies, Map<String, Integer> inputs, Map<String, Output> outputs) {
        this.copies = List.copyOf(copies.stream().map(List::copyOf).toList());
        this.workers = copies.size();
        this.size = this.copies.get(0).size();
        this.inputs = new LinkedHashMap<>(inputs);
        this.outputs = new LinkedHashMap<>(outputs);
        List<Node> nodes = this.copies.get(0);
        this.split = new boolean[size];
        this.stages = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            Node node = nodes.get(i);
            if (node.exchange() != Exchange.NONE && workers > 1) {
                if (!current.isEmpty()) {
                    stages.add(current.stream().mapToInt(Integer::intValue).toArray());
                }
                current = new ArrayList<>();
                if (node.exchange() == Exchange.KEY) {
                    for (int k = 0; k < node.keyed(); k++) {
                        split[node.inputs()[k]] = true;
                    }
                }
            }
            current.add(i);
        }
        if (!current.isEmpty() || stages.isEmpty()) {
            stages.add(current.stream().mapToInt(Integer::intValue).toArray());
        }
        if (workers > 1) {
            AtomicInteger n = new AtomicInteger();
            // Idle threads end after a while, so a circuit that is dropped without close() does not keep them.
            ThreadPoolExecutor executor = new ThreadPoolExecutor(workers - 1, workers - 1, 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), r -> {
                        Thread t = new Thread(r, "sluice-worker-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
            executor.allowCoreThreadTimeOut(true);
            pool = executor;
        } else {
            pool = null;
        }
        publishViews();
    }

    public List<String> inputNames() {
        return List.copyOf(inputs.keySet());
    }

    public List<String> outputNames() {
        return List.copyOf(outputs.keySet());
    }

    /** The number of worker copies this circuit runs. */
    public int workers() {
        return workers;
    }

    /** Adds a change to the next step's input of table {@code input}. */
    public void append(String input, Row row, long weight) {
        inputFor(input, row).append(row, weight);
    }

    /**
     * Appends a partial update to an input with a primary key (see {@link InputOperator#update}):
     * the columns set in {@code columns} of the row with {@code row}'s key take {@code row}'s values.
     */
    public void update(String input, Row row, long[] columns) {
        inputFor(input, row).update(row, columns);
    }

    /** The copy of {@code input} that receives {@code row}: the one of the worker its partition key hashes to. */
    private InputOperator inputFor(String input, Row row) {
        requireNonNull(row, "row is null");
        Integer node = inputs.get(requireNonNull(input, "input is null"));
        if (node == null) {
            throw new IllegalArgumentException("no input named " + input);
        }
        InputOperator op = (InputOperator) copies.get(0).get(node).operator();
        if (workers > 1) {
            op = (InputOperator) copies.get(shard(op.partitionKey(row))).get(node).operator();
        }
        return op;
    }

    /** Runs one step over everything appended since the last one; returns each output's delta (empty batches included). */
    public Map<String, Batch> step() {
        CircuitState before = capture();
        Batch[][] results = new Batch[workers][size];
        Batch[][][] parts = new Batch[size][workers][];
        try {
            if (workers == 1) {
                runStage(0, stages.get(0), results, parts);
            } else {
                for (int[] stage : stages) {
                    parallel(w -> runStage(w, stage, results, parts));
                    combineWaterlines(stage, results);
                }
                combineLateness();
            }
        } catch (RuntimeException | Error e) {
            restoreOperators(before);
            throw e;
        }
        steps++;
        publishViews();
        Map<String, Batch> deltas = new LinkedHashMap<>();
        outputs.forEach((name, output) -> {
            Batch sum = results[0][output.node];
            for (int w = 1; w < workers; w++) {
                sum = sum.plus(results[w][output.node]);
            }
            deltas.put(name, sum);
        });
        return deltas;
    }

    /** Evaluates the live nodes of {@code stage} on worker {@code w}. */
    private void runStage(int w, int[] stage, Batch[][] results, Batch[][][] parts) {
        List<Node> nodes = copies.get(w);
        for (int i : stage) {
            Node node = nodes.get(i);
            if (!node.live()) {
                continue;
            }
            int[] inputIds = node.inputs();
            List<Batch> in = new ArrayList<>(inputIds.length);
            Exchange exchange = workers == 1 ? Exchange.NONE : node.exchange();
            if (exchange == Exchange.SINGLE && w != 0) {
                results[w][i] = Batch.empty();
                continue;
            }
            for (int k = 0; k < inputIds.length; k++) {
                int j = inputIds[k];
                if (k >= node.keyed() || exchange == Exchange.NONE) {
                    in.add(results[w][j]);
                } else if (exchange == Exchange.KEY) {
                    Batch gathered = parts[j][0][w];
                    for (int from = 1; from < workers; from++) {
                        gathered = gathered.plus(parts[j][from][w]);
                    }
                    in.add(gathered);
                } else {
                    Batch gathered = results[0][j];
                    for (int from = 1; from < workers; from++) {
                        gathered = gathered.plus(results[from][j]);
                    }
                    in.add(gathered);
                }
            }
            Batch out = node.operator().evaluate(in);
            results[w][i] = out;
            if (split[i]) {
                parts[i][w] = split(out);
            }
        }
    }

    /** {@code batch} cut by key into one batch per worker, each still sorted and consolidated. */
    private Batch[] split(Batch batch) {
        Batch[] out = new Batch[workers];
        if (batch.isEmpty()) {
            java.util.Arrays.fill(out, Batch.empty());
            return out;
        }
        Batch.Builder[] builders = new Batch.Builder[workers];
        for (int w = 0; w < workers; w++) {
            builders[w] = Batch.builder(batch.size() / workers + 16);
        }
        for (int i = 0; i < batch.size(); i++) {
            builders[shard(batch.key(i))].add(batch.key(i), batch.val(i), batch.weight(i));
        }
        for (int w = 0; w < workers; w++) {
            out[w] = builders[w].buildSorted();
        }
        return out;
    }

    /** The worker that owns {@code key}: a mixed hash of the row, modulo the number of workers. */
    private int shard(Row key) {
        int h = key.hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return Math.floorMod(h, workers);
    }

    /** Every waterline node of {@code stage} gets, on every worker, the largest of the workers' waterlines. */
    private void combineWaterlines(int[] stage, Batch[][] results) {
        for (int i : stage) {
            Node node = copies.get(0).get(i);
            if (!node.live() || !(node.operator() instanceof WaterlineOperator)) {
                continue;
            }
            Batch max = Batch.empty();
            for (int w = 0; w < workers; w++) {
                Batch b = results[w][i];
                Object v = WaterlineOperator.value(b);
                if (v != null && (max.isEmpty() || Row.compareValues(v, WaterlineOperator.value(max)) > 0)) {
                    max = b;
                }
            }
            for (int w = 0; w < workers; w++) {
                results[w][i] = max;
            }
        }
    }

    /** After a step: every lateness and waterline operator holds the largest timestamp of any worker. */
    private void combineLateness() {
        for (int i = 0; i < size; i++) {
            if (!(copies.get(0).get(i).operator() instanceof LatenessOperator)
                    && !(copies.get(0).get(i).operator() instanceof WaterlineOperator)) {
                continue;
            }
            List<Batch> max = List.of();
            for (int w = 0; w < workers; w++) {
                List<Batch> state = ((StatefulOperator) copies.get(w).get(i).operator()).stateBatches();
                if (!state.isEmpty() && (max.isEmpty()
                        || Row.compareValues(state.get(0).key(0).get(0), max.get(0).key(0).get(0)) > 0)) {
                    max = state;
                }
            }
            for (int w = 0; w < workers; w++) {
                ((StatefulOperator) copies.get(w).get(i).operator()).restoreState(max, new byte[0]);
            }
        }
    }

    private interface WorkerTask {
        void run(int worker);
    }

    /** Runs {@code task} for every worker, worker 0 on this thread; returns when all finished, rethrowing the first failure. */
    private void parallel(WorkerTask task) {
        List<Future<?>> futures = new ArrayList<>(workers - 1);
        for (int w = 1; w < workers; w++) {
            int worker = w;
            futures.add(pool.submit(() -> task.run(worker)));
        }
        Throwable failure = null;
        try {
            task.run(0);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) {
                    failure = new IllegalStateException("interrupted while waiting for the workers", e);
                }
            }
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    /**
     * The number of changes (counted with their multiplicity) the LATENESS filters of every input
     * dropped as late since this circuit was built, summed over all workers (each worker's filter
     * only sees its shard). A statistic, not state: a restored circuit starts from 0.
     */
    public long lateRows() {
        long total = 0;
        for (int w = 0; w < workers; w++) {
            for (Node node : copies.get(w)) {
                if (node.operator() instanceof LatenessOperator late) {
                    total = Math.addExact(total, late.lateRows());
                }
            }
        }
        return total;
    }

    /** The number of completed steps, restored by {@link #restore}. */
    public long steps() {
        return steps;
    }

    /**
     * The contents of a materialized output after the last completed step, consolidated. Thread-safe:
     * it reads an immutable snapshot published at the end of each step.
     */
    public Batch snapshot(String output) {
        Output out = outputs.get(requireNonNull(output, "output is null"));
        if (out == null) {
            throw new IllegalArgumentException("no output named " + output);
        }
        if (!out.materialized) {
            throw new IllegalArgumentException("output " + output + " is not materialized");
        }
        if (workers == 1) {
            return ((IntegrateOperator) copies.get(0).get(out.node).operator()).snapshot();
        }
        return views.get(output).consolidated();
    }

    /** Publishes every materialized output: per operator with one worker, as one view of all workers' batches with several. */
    private void publishViews() {
        if (workers == 1) {
            outputs.values().forEach(output -> {
                if (output.materialized) {
                    ((IntegrateOperator) copies.get(0).get(output.node).operator()).publish();
                }
            });
            return;
        }
        Map<String, View> next = new HashMap<>();
        outputs.forEach((name, output) -> {
            if (output.materialized) {
                List<Batch> batches = new ArrayList<>();
                for (List<Node> nodes : copies) {
                    IntegrateOperator op = (IntegrateOperator) nodes.get(output.node).operator();
                    op.publish();
                    batches.addAll(op.stateBatches());
                }
                next.put(name, new View(batches));
            }
        });
        views = next;
    }

    /** Captures the state of every stateful operator between steps; cheap, since batches are immutable. */
    public CircuitState capture() {
        List<OperatorState> states = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            for (Node node : copies.get(w)) {
                if (node.operator() instanceof StatefulOperator op) {
                    states.add(new OperatorState(stateId(node.id(), w), op.stateBatches(), op.stateMetadata()));
                }
            }
        }
        return new CircuitState(steps, states);
    }

    private String stateId(String nodeId, int worker) {
        return workers == 1 ? nodeId : nodeId + "@w" + worker + "of" + workers;
    }

    /** Replaces the state of every stateful operator with {@code state}; call before the first step. */
    public void restore(CircuitState state) {
        requireNonNull(state, "state is null");
        if (steps != 0) {
            throw new IllegalStateException("restore must come before the first step; steps = " + steps);
        }
        int saved = 1;
        if (!state.operators().isEmpty()) {
            Matcher m = WORKER_SUFFIX.matcher(state.operators().get(0).operatorId());
            saved = m.find() ? Integer.parseInt(m.group(2)) : 1;
        }
        if (saved != workers) {
            throw new IllegalArgumentException("the state was saved by a circuit with " + saved + " worker(s); this circuit runs "
                    + workers + ": restore it with " + saved + " worker(s)");
        }
        restoreOperators(state);
        steps = state.steps();
        publishViews();
    }

    private void restoreOperators(CircuitState state) {
        Map<String, OperatorState> byId = new HashMap<>();
        for (OperatorState op : state.operators()) {
            if (byId.put(op.operatorId(), op) != null) {
                throw new IllegalArgumentException("state holds operator " + op.operatorId() + " twice");
            }
        }
        List<Runnable> restores = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            for (Node node : copies.get(w)) {
                if (node.operator() instanceof StatefulOperator op) {
                    String id = stateId(node.id(), w);
                    OperatorState saved = byId.remove(id);
                    if (saved == null) {
                        throw new IllegalArgumentException("state has no entry for operator " + id);
                    }
                    restores.add(() -> op.restoreState(saved.batches(), saved.metadata()));
                }
            }
        }
        if (!byId.isEmpty()) {
            throw new IllegalArgumentException("state holds operators this circuit does not have: " + byId.keySet());
        }
        restores.forEach(Runnable::run);
    }

    /** Stops the worker threads (none with one worker); the circuit cannot step afterwards. Snapshots stay readable. */
    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    /** An output: the node whose delta it is and whether that node integrates it. */
    record Output(int node, boolean materialized) {
    }

    /** The published contents of a materialized output: immutable batches, consolidated by the first reader. */
    private static final class View {
        private final List<Batch> batches;
        private volatile Batch consolidated;

        View(List<Batch> batches) {
            this.batches = batches;
        }

        Batch consolidated() {
            Batch c = consolidated;
            if (c == null) {
                c = Spine.consolidate(batches);
                consolidated = c;
            }
            return c;
        }
    }
}

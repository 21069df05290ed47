package io.sluice.sql;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.circuit.Circuit;
import io.sluice.engine.circuit.CircuitBuilder;
import io.sluice.engine.circuit.CircuitBuilder.Stream;
import io.sluice.sql.analyze.Catalog;
import io.sluice.sql.lower.Bounds;
import io.sluice.sql.lower.Plan;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A compiled program: its tables and views, and a recipe for circuits that maintain the views.
 * Immutable and safe to share; {@link #newCircuit()} builds a fresh, independent circuit each time.
 */
public final class CompiledProgram {
    private final String programText;
    private final List<Relation> tables;
    private final List<Relation> views;
    private final List<Relation> localViews;
    private final List<String> viewOrder;
    private final Map<String, Map<Integer, Object>> lateness;
    private final Map<String, Relation> tablesByName = new LinkedHashMap<>();
    private final Map<String, Relation> viewsByName = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> properties;
    private final Map<String, Map<String, String>> viewProperties;
    private final Map<String, Plan> plans;
    private final Catalog catalog;

    CompiledProgram(String programText, List<Relation> tables, List<Relation> views, List<Relation> localViews,
            List<String> viewOrder, Map<String, Map<String, String>> properties,
            Map<String, Map<String, String>> viewProperties, Map<String, Map<Integer, Object>> lateness,
            Map<String, Plan> plans, Catalog catalog) {
        this.programText = requireNonNull(programText, "programText is null");
        this.tables = List.copyOf(tables);
        this.views = List.copyOf(views);
        this.localViews = List.copyOf(localViews);
        this.viewOrder = List.copyOf(viewOrder);
        this.lateness = Map.copyOf(lateness);
        this.properties = Map.copyOf(properties);
        this.viewProperties = Map.copyOf(viewProperties);
        this.plans = Map.copyOf(plans);
        this.catalog = requireNonNull(catalog, "catalog is null");
        for (Relation t : this.tables) {
            tablesByName.put(t.name(), t);
        }
        for (Relation v : this.views) {
            viewsByName.put(v.name(), v);
        }
    }

    public List<Relation> tables() {
        return tables;
    }

    /** The views the program outputs; a LOCAL view is not among them. */
    public List<Relation> views() {
        return views;
    }

    /** The views declared LOCAL: computed for the views that read them, never output. */
    public List<Relation> localViews() {
        return localViews;
    }

    /** The table named {@code name}: double-quoted names match exactly, others case-insensitively. */
    public Optional<Relation> table(String name) {
        return SqlCompiler.lookup(tablesByName, name);
    }

    /** The view named {@code name}: double-quoted names match exactly, others case-insensitively. */
    public Optional<Relation> view(String name) {
        return SqlCompiler.lookup(viewsByName, name);
    }

    /** The WITH properties of a table, by its exact name; empty when it had none. */
    public Map<String, String> tableProperties(String exactName) {
        return properties.getOrDefault(exactName, Map.of());
    }

    /** The WITH properties of a view ({@code CREATE VIEW v WITH ('k' = 'v') AS ...}), by its exact name; empty when it had none. */
    public Map<String, String> viewProperties(String exactName) {
        return viewProperties.getOrDefault(exactName, Map.of());
    }

    public String programText() {
        return programText;
    }

    /**
     * A fresh circuit: one input per table (an upsert input for a table with a PRIMARY KEY; changes
     * later than a column's LATENESS are dropped), one output per view that is not LOCAL, and a
     * materialized output named after each table declared materialized. Every call creates the same
     * operators in the same order. Runs on one worker, the caller's thread.
     */
    public Circuit newCircuit() {
        return newCircuit(1);
    }

    /** Like {@link #newCircuit()}, run by {@code workers} worker threads on hash shards of the data (see {@link Circuit}). */
    public Circuit newCircuit(int workers) {
        CircuitBuilder builder = new CircuitBuilder();
        Map<String, Stream> streams = new HashMap<>();
        Plan.Context context = new Plan.Context(builder, streams::get);
        for (Relation t : tables) {
            Stream input = t.primaryKey().isEmpty()
                    ? builder.input(t.name())
                    : builder.upsertInput(t.name(), t.primaryKeyArray());
            Bounds.Bound[] bounds = new Bounds.Bound[t.columns().size()];
            for (Map.Entry<Integer, Object> l : lateness.getOrDefault(t.name(), Map.of()).entrySet()) {
                input = input.lateness(l.getKey(), l.getValue());
                // every later change passes the late filter, so its column is at least the waterline
                bounds[l.getKey()] = Bounds.Bound.of(input.waterline());
            }
            context.bounds().put(input, bounds);
            streams.put(t.name(), input);
        }
        Map<String, Relation> outputs = new HashMap<>();
        for (Relation v : views) {
            outputs.put(v.name(), v);
        }
        for (String name : viewOrder) {
            Stream s = plans.get(name).emit(context);
            streams.put(name, s);
            Relation v = outputs.get(name);
            if (v != null) {
                builder.output(name, s, v.materialized());
            }
        }
        for (Relation t : tables) {
            if (t.materialized()) {
                builder.output(t.name(), streams.get(t.name()), true);
            }
        }
        return builder.build(workers);
    }

    /** Compiles an ad-hoc SELECT over the materialized tables and views of this program. */
    public AdHocQuery compileQuery(String select) {
        synchronized (catalog) {
            return AdHocQuery.compile(select, catalog);
        }
    }
}

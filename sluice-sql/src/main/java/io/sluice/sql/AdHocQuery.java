package io.sluice.sql;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.algebra.Batch;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.Circuit;
import io.sluice.engine.circuit.CircuitBuilder;
import io.sluice.engine.circuit.CircuitBuilder.Stream;
import io.sluice.sql.analyze.Catalog;
import io.sluice.sql.lower.Plan;
import io.sluice.sql.lower.Relations;
import io.sluice.sql.lower.Values;
import io.sluice.sql.parse.SqlParsing;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * A compiled ad-hoc query over snapshots of materialized tables and views. Each {@link #run} builds
 * a one-shot circuit whose inputs are the relations the query reads, feeds it the snapshots, steps
 * it once and returns the result rows, ordered and limited as the outermost ORDER BY, OFFSET and
 * LIMIT say.
 */
public final class AdHocQuery {
    private static final String RESULT = "$result";

    private final List<Column> columns;
    private final List<String> relations;
    private final Plan plan;
    private final List<RelFieldCollation> collation;
    private final long offset;
    private final long fetch;
    private final int[] fields;

    private AdHocQuery(List<Column> columns, List<String> relations, Plan plan, List<RelFieldCollation> collation,
            long offset, long fetch, int[] fields) {
        this.columns = List.copyOf(columns);
        this.relations = List.copyOf(relations);
        this.plan = requireNonNull(plan, "plan is null");
        this.collation = List.copyOf(collation);
        this.offset = offset;
        this.fetch = fetch;
        this.fields = fields.clone();
    }

    static AdHocQuery compile(String select, Catalog catalog) {
        requireNonNull(select, "select is null");
        SqlNode parsed = SqlParsing.parseQuery(select);
        Catalog.Analyzed analyzed = catalog.analyze(parsed);
        RelRoot root = analyzed.root();
        SqlParserPos pos = parsed.getParserPosition();
        List<String> names = new ArrayList<>();
        for (var field : root.fields) {
            names.add(field.getValue());
        }
        List<Column> columns = Catalog.columns(root.validatedRowType, names, pos);
        RelNode rel = root.rel;
        List<RelFieldCollation> collation = List.of();
        long offset = 0;
        long fetch = -1;
        if (rel instanceof Sort sort) {
            collation = sort.getCollation().getFieldCollations();
            offset = sort.offset == null ? 0 : longValue(sort.offset, pos);
            fetch = sort.fetch == null ? -1 : longValue(sort.fetch, pos);
            rel = sort.getInput();
        }
        Plan plan = SqlCompiler.lower(catalog, rel, null, pos);
        List<String> relations = new ArrayList<>(Relations.read(plan));
        for (String r : relations) {
            // the only relation a plan reads that is not a table or view: the clock input of NOW()
            Relation relation = catalog.relation(r).orElseThrow(() -> SqlCompiler.error(positionOf(parsed, r, pos),
                    "'" + r + "' is the clock input of NOW(); an ad-hoc query cannot read it"));
            if (!relation.materialized()) {
                throw SqlCompiler.error(positionOf(parsed, r, pos), "'" + r + "' is not materialized; ad-hoc "
                        + "queries read tables declared WITH ('materialized' = 'true') and materialized views");
            }
        }
        int[] fields = root.fields.stream().mapToInt(f -> f.getKey()).toArray();
        return new AdHocQuery(columns, relations, plan, collation, offset, fetch, fields);
    }

    private static long longValue(RexNode node, SqlParserPos pos) {
        if (node instanceof RexLiteral literal && literal.getValueAs(BigDecimal.class) != null) {
            return literal.getValueAs(BigDecimal.class).longValueExact();
        }
        throw SqlCompiler.error(pos, "LIMIT and OFFSET must be integer literals");
    }

    private static SqlParserPos positionOf(SqlNode query, String relation, SqlParserPos fallback) {
        SqlParserPos[] found = {null};
        query.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlIdentifier id) {
                if (found[0] == null && id.names.get(id.names.size() - 1).equals(relation)) {
                    found[0] = id.getParserPosition();
                }
                return null;
            }
        });
        return found[0] == null ? fallback : found[0];
    }

    public List<Column> columns() {
        return columns;
    }

    /** The materialized tables and views the query reads, by exact name. */
    public List<String> relations() {
        return relations;
    }

    /** Runs the query over {@code snapshot} (exact relation name to its consolidated contents). */
    public List<Row> run(Function<String, Batch> snapshot) {
        CircuitBuilder builder = new CircuitBuilder();
        Map<String, Stream> inputs = new HashMap<>();
        for (String r : relations) {
            inputs.put(r, builder.input(r));
        }
        builder.output(RESULT, plan.emit(new Plan.Context(builder, inputs::get)), false);
        Circuit circuit = builder.build();
        for (String r : relations) {
            Batch batch = snapshot.apply(r);
            for (int i = 0; i < batch.size(); i++) {
                circuit.append(r, batch.key(i), batch.weight(i));
            }
        }
        Batch result = circuit.step().get(RESULT);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < result.size(); i++) {
            for (long w = 0; w < result.weight(i); w++) {
                rows.add(result.key(i));
            }
        }
        if (!collation.isEmpty()) {
            rows.sort(comparator());
        }
        int from = (int) Math.min(offset, rows.size());
        int to = fetch < 0 ? rows.size() : (int) Math.min(rows.size(), from + fetch);
        List<Row> out = new ArrayList<>(to - from);
        for (Row row : rows.subList(from, to)) {
            out.add(row.project(fields));
        }
        return out;
    }

    private Comparator<Row> comparator() {
        return (a, b) -> {
            for (RelFieldCollation c : collation) {
                int i = c.getFieldIndex();
                boolean descending = c.getDirection().isDescending();
                Object x = a.get(i);
                Object y = b.get(i);
                int cmp;
                if (x == null || y == null) {
                    if (x == y) {
                        continue;
                    }
                    boolean nullsFirst = switch (c.nullDirection) {
                        case FIRST -> true;
                        case LAST -> false;
                        default -> descending;
                    };
                    return (x == null) == nullsFirst ? -1 : 1;
                }
                cmp = Values.compare(x, y);
                if (cmp != 0) {
                    return descending ? -cmp : cmp;
                }
            }
            return 0;
        };
    }
}

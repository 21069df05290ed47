package io.sluice.bench.nexmark.flink;

import io.sluice.bench.nexmark.NexmarkGenerator;
import io.sluice.bench.nexmark.NexmarkQueries;
import io.sluice.bench.nexmark.PeerRunner;
import io.sluice.bench.nexmark.ResultDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.CloseableIterator;

/**
 * The Nexmark queries on Flink (streaming mode, a local MiniCluster in this JVM, parallelism =
 * Sluice's workers). Each table is a DataStream over the event numbers that keeps its own kind and
 * converts Sluice's row to Flink's; {@code date_time} becomes a TIMESTAMP(3) event-time attribute
 * with a 4-second watermark delay (as Feldera's driver declares LATENESS). The view text is the
 * Sluice SQL of the query, which is also valid Flink SQL. Its changelog is folded into a digest
 * (+I/+U count 1, -U/-D count -1; an upsert changelog, see {@link #UPSERT_KEY}, is first applied by
 * its key), so the answer can be compared with Sluice's.
 */
public final class FlinkNexmarkRunner implements PeerRunner {
    private static final String[][] COLUMNS = {
        {"id", "name", "emailAddress", "creditCard", "city", "state", "dt", "extra"},
        {"id", "itemName", "description", "initialBid", "reserve", "dt", "expires", "seller", "category", "extra"},
        {"auction", "bidder", "price", "channel", "url", "dt", "extra"},
    };

    /**
     * Queries whose answer Flink emits as an upsert changelog, by the index of the key column: q9's top-1
     * bid per auction comes as {@code +I} then {@code +U} for each better bid, with no {@code -U} (seen with
     * both {@code collect()} and {@code toChangelogStream(..., ChangelogMode.all())}), so each {@code +U}
     * replaces the row of the same auction id instead of adding one.
     */
    private static final Map<String, Integer> UPSERT_KEY = Map.of("q9", 0);

    @Override
    public PeerResult run(String query, NexmarkGenerator generator, long events, int parallelism) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        String[] tables = {"person", "auction", "bid"};
        for (NexmarkGenerator.Kind kind : NexmarkGenerator.Kind.values()) {
            String[] names = COLUMNS[kind.ordinal()];
            TypeInformation<?>[] types = new TypeInformation<?>[names.length];
            for (int i = 0; i < names.length; i++) {
                types[i] = names[i].equals("dt") || names[i].equals("expires") ? Types.LOCAL_DATE_TIME
                        : isText(names[i]) ? Types.STRING : Types.LONG;
            }
            DataStream<Row> stream = env.fromSequence(0, events - 1)
                    .filter(n -> NexmarkGenerator.kind(n) == kind)
                    .map(n -> {
                        io.sluice.engine.algebra.Row r = generator.event(n).row();
                        Object[] values = r.toArray();
                        return Row.of(values);
                    })
                    .returns(new RowTypeInfo(types, names));
            String raw = tables[kind.ordinal()] + "_raw";
            tEnv.createTemporaryView(raw, stream, Schema.newBuilder()
                    .columnByExpression("date_time", "CAST(dt AS TIMESTAMP(3))")
                    .watermark("date_time", "date_time - INTERVAL '4' SECOND")
                    .build());
            StringBuilder select = new StringBuilder();
            for (String c : names) {
                String column = c.equals("dt") ? "date_time" : c.equals("expires") ? "CAST(expires AS TIMESTAMP(3)) AS expires" : c;
                select.append(select.length() == 0 ? "" : ", ").append(column);
            }
            tEnv.executeSql("CREATE TEMPORARY VIEW " + tables[kind.ordinal()] + " AS SELECT " + select + " FROM " + raw);
        }
        String view = NexmarkQueries.view(query).replaceAll("(?m)^--.*$", "").replace(";", "").strip();
        tEnv.executeSql(view.replaceFirst("(?i)CREATE VIEW", "CREATE TEMPORARY VIEW"));
        ResultDigest digest = new ResultDigest(200_000);
        long[] kinds = new long[RowKind.values().length];
        Integer upsertKey = UPSERT_KEY.get(query);
        Map<Object, Object[]> upserted = new HashMap<>();
        long t0 = System.nanoTime();
        TableResult result = tEnv.executeSql("SELECT * FROM " + query);
        try (CloseableIterator<Row> rows = result.collect()) {
            while (rows.hasNext()) {
                Row r = rows.next();
                kinds[r.getKind().ordinal()]++;
                Object[] values = new Object[r.getArity()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = r.getField(i);
                }
                if (upsertKey != null) {
                    switch (r.getKind()) {
                        case INSERT, UPDATE_AFTER -> upserted.put(values[upsertKey], values);
                        case UPDATE_BEFORE, DELETE -> upserted.remove(values[upsertKey]);
                    }
                    continue;
                }
                long weight = switch (r.getKind()) {
                    case INSERT, UPDATE_AFTER -> 1;
                    case UPDATE_BEFORE, DELETE -> -1;
                };
                digest.add(values, weight);
            }
        }
        upserted.values().forEach(values -> digest.add(values, 1));
        double seconds = (System.nanoTime() - t0) / 1e9;
        StringBuilder counts = new StringBuilder();
        for (RowKind kind : RowKind.values()) {
            counts.append(counts.length() == 0 ? "" : ", ").append(kind.shortString()).append(' ').append(kinds[kind.ordinal()]);
        }
        System.out.println("nexmark " + query + ": Flink's changelog: " + counts);
        return new PeerResult(seconds, digest);
    }

    private static boolean isText(String column) {
        return List.of("name", "emailAddress", "creditCard", "city", "state", "extra", "itemName", "description",
                "channel", "url").contains(column);
    }
}

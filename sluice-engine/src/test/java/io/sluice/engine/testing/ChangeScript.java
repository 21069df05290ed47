package io.sluice.engine.testing;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.sluice.engine.algebra.Row;
import java.util.List;
import java.util.function.IntFunction;
import org.quicktheories.core.Gen;

/**
 * Random insert/delete scripts for property tests. A script is a list of steps, a step a list of
 * change codes; a code decodes against the current contents of a table, so deletes remove rows
 * that exist, and shrinking a script keeps it meaningful.
 */
public final class ChangeScript {
    private ChangeScript() {
    }

    /** Up to {@code maxSteps} steps of up to {@code maxChanges} change codes each. */
    public static Gen<List<List<Integer>>> steps(int maxSteps, int maxChanges) {
        return lists().of(lists().of(integers().between(0, 1_000_000)).ofSizeBetween(0, maxChanges))
                .ofSizeBetween(1, maxSteps);
    }

    /** A change: a table index, a row and a weight (+1 insert, -1 delete). */
    public record Change(int table, Row row, long weight) {
    }

    /**
     * Decodes {@code code} into a change of one of {@code tables}: a third of the codes delete an
     * existing row of the chosen table (if it has any), the rest insert {@code domain(table, n)}.
     * The change is applied to the model table.
     */
    public static Change decode(int code, List<Multiset> tables, Domain domain) {
        int table = code % tables.size();
        int rest = code / tables.size();
        Multiset contents = tables.get(table);
        Change change;
        if (rest % 3 == 2 && contents.distinctSize() > 0) {
            List<Row> rows = contents.rows();
            change = new Change(table, rows.get((rest / 3) % rows.size()), -1);
        } else {
            change = new Change(table, domain.row(table, rest / 3), 1);
        }
        contents.add(change.row(), change.weight());
        return change;
    }

    /** The rows a table may hold, by number. */
    @FunctionalInterface
    public interface Domain {
        Row row(int table, int n);

        static Domain of(IntFunction<Row> rows) {
            return (table, n) -> rows.apply(n);
        }
    }
}

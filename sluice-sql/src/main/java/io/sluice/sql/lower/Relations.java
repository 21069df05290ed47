package io.sluice.sql.lower;

import java.util.LinkedHashSet;
import java.util.Set;

/** The tables and views a plan reads. */
public final class Relations {
    private Relations() {
    }

    public static Set<String> read(Plan plan) {
        Set<String> out = new LinkedHashSet<>();
        collect(plan, out);
        return out;
    }

    private static void collect(Plan plan, Set<String> out) {
        if (plan instanceof Plan.Scan scan) {
            out.add(scan.relation());
        }
        for (Plan input : plan.inputs()) {
            collect(input, out);
        }
    }
}

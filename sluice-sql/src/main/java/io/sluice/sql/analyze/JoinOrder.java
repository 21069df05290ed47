package io.sluice.sql.analyze;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Orders each tree of inner joins so that every join has a condition when the query allows it: the
 * first input stays first, and each next input is the first one (in FROM order) that a condition
 * connects to the inputs already joined, else the next in FROM order (a cross product nothing can
 * avoid). Each condition is applied at the lowest join where all its inputs are present. The order
 * depends on the query's shape alone (no statistics, no costs), so the same program always gets the
 * same circuit; a two-way join keeps its order. A projection restores the original column order.
 */
final class JoinOrder {
    private JoinOrder() {
    }

    static RelNode reorder(RelNode rel) {
        return rel.accept(new RelHomogeneousShuttle() {
            @Override
            public RelNode visit(RelNode other) {
                if (other instanceof Join join && join.getJoinType() == JoinRelType.INNER) {
                    List<RelNode> leaves = new ArrayList<>();
                    List<RexNode> conditions = new ArrayList<>();
                    flatten(join, 0, leaves, conditions);
                    leaves.replaceAll(leaf -> leaf.accept(this));
                    return build(join, leaves, conditions);
                }
                return super.visit(other);
            }
        });
    }

    private static void flatten(RelNode node, int offset, List<RelNode> leaves, List<RexNode> conditions) {
        if (node instanceof Join join && join.getJoinType() == JoinRelType.INNER) {
            conditions.addAll(RelOptUtil.conjunctions(RexUtil.shift(join.getCondition(), offset)));
            flatten(join.getLeft(), offset, leaves, conditions);
            flatten(join.getRight(), offset + join.getLeft().getRowType().getFieldCount(), leaves, conditions);
        } else {
            leaves.add(node);
        }
    }

    private static RelNode build(Join top, List<RelNode> leaves, List<RexNode> conjuncts) {
        RexBuilder rex = top.getCluster().getRexBuilder();
        int n = leaves.size();
        int[] start = new int[n + 1];
        for (int i = 0; i < n; i++) {
            start[i + 1] = start[i] + leaves.get(i).getRowType().getFieldCount();
        }
        List<RexNode> pending = new ArrayList<>();
        List<BitSet> uses = new ArrayList<>();
        for (RexNode c : conjuncts) {
            if (c.isAlwaysTrue()) {
                continue;
            }
            BitSet leavesUsed = new BitSet();
            ImmutableBitSet fields = RelOptUtil.InputFinder.bits(c);
            for (int f : fields) {
                leavesUsed.set(leafOf(start, f));
            }
            pending.add(c);
            uses.add(leavesUsed);
        }
        int[] order = order(n, uses);
        int[] position = new int[start[n]];
        BitSet joined = new BitSet();
        int width = 0;
        RelNode current = null;
        for (int k = 0; k < n; k++) {
            int leaf = order[k];
            for (int f = start[leaf]; f < start[leaf + 1]; f++) {
                position[f] = width + f - start[leaf];
            }
            width += start[leaf + 1] - start[leaf];
            joined.set(leaf);
            List<RexNode> here = new ArrayList<>();
            for (int c = 0; c < pending.size(); c++) {
                if (pending.get(c) != null && contains(joined, uses.get(c))) {
                    here.add(remap(pending.get(c), position));
                    pending.set(c, null);
                }
            }
            RexNode condition = RexUtil.composeConjunction(rex, here);
            if (current == null) {
                current = here.isEmpty() ? leaves.get(leaf)
                        : LogicalFilter.create(leaves.get(leaf), condition);
            } else {
                current = top.copy(top.getTraitSet(), condition, current, leaves.get(leaf), JoinRelType.INNER,
                        false);
            }
        }
        boolean identity = true;
        List<RexNode> project = new ArrayList<>();
        for (int f = 0; f < position.length; f++) {
            identity &= position[f] == f;
            project.add(new RexInputRef(position[f], top.getRowType().getFieldList().get(f).getType()));
        }
        if (identity) {
            return current;
        }
        return LogicalProject.create(current, List.of(), project, top.getRowType().getFieldNames(), Set.of());
    }

    /** The join order: input 0 first, then always the first input a condition connects, else the next. */
    private static int[] order(int n, List<BitSet> uses) {
        int[] order = new int[n];
        BitSet joined = new BitSet();
        for (int k = 0; k < n; k++) {
            int chosen = -1;
            for (int candidate = 0; candidate < n && chosen < 0 && k > 0; candidate++) {
                if (joined.get(candidate)) {
                    continue;
                }
                BitSet with = (BitSet) joined.clone();
                with.set(candidate);
                for (BitSet use : uses) {
                    if (use.get(candidate) && use.intersects(joined) && contains(with, use)) {
                        chosen = candidate;
                        break;
                    }
                }
            }
            if (chosen < 0) {
                chosen = joined.nextClearBit(0);
            }
            order[k] = chosen;
            joined.set(chosen);
        }
        return order;
    }

    private static boolean contains(BitSet set, BitSet subset) {
        BitSet rest = (BitSet) subset.clone();
        rest.andNot(set);
        return rest.isEmpty();
    }

    private static int leafOf(int[] start, int field) {
        int leaf = 0;
        while (start[leaf + 1] <= field) {
            leaf++;
        }
        return leaf;
    }

    private static RexNode remap(RexNode condition, int[] position) {
        return condition.accept(new RexShuttle() {
            @Override
            public RexNode visitInputRef(RexInputRef ref) {
                return new RexInputRef(position[ref.getIndex()], ref.getType());
            }
        });
    }
}

package io.sluice.engine.operator.topk;

/** How {@link TopKOperator} numbers the rows of a group in ORDER BY order. */
public enum RankKind {
    /** 1, 2, 3, ...: ties get distinct numbers, broken by the whole row's order (ORDER BY ... LIMIT k). */
    ROW_NUMBER,
    /** Ties share a number and the next number skips: 1, 1, 3. */
    RANK,
    /** Ties share a number and the next number does not skip: 1, 1, 2. */
    DENSE_RANK
}

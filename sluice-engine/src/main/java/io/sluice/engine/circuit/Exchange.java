package io.sluice.engine.circuit;

/** How a node's keyed inputs are redistributed between workers before it runs. */
enum Exchange {
    /** Each worker reads its own copy's inputs. */
    NONE,
    /** Every entry goes to the worker its key hashes to, so each key's state lives on one worker. */
    KEY,
    /** Everything goes to worker 0, the only one that runs the node (global aggregates: one output row). */
    SINGLE
}

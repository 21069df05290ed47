package io.sluice.pipeline.controller;

/** What the circuit thread is doing: Paused and Running alternate; Terminated is final. */
public enum ControllerState {
    Paused, Running, Terminated
}

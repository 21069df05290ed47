package io.sluice.pipeline.config;

/** A configuration or command line that cannot run; its message is the one line printed before exit code 1. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}

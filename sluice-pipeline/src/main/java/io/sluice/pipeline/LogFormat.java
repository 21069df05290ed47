package io.sluice.pipeline;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import io.sluice.pipeline.config.EnvironmentFlag;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Switches the log output to one JSON object per line when {@code FELDERA_LOG_JSON} is truthy, as
 * Feldera's process does, for log pipelines that parse structured logs. Runs first in main, before
 * anything logs.
 */
final class LogFormat {
    static final String VARIABLE = "FELDERA_LOG_JSON";

    private LogFormat() {
    }

    static void configure(Map<String, String> environment) {
        if (!EnvironmentFlag.isTruthy(environment.get(VARIABLE))) {
            return;
        }
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (!(root.getAppender("STDOUT") instanceof ConsoleAppender<ILoggingEvent> console)) {
            return;
        }
        JsonEncoder json = new JsonEncoder();
        json.setContext(context);
        json.start();
        console.stop();
        console.setEncoder(json);
        console.start();
    }
}

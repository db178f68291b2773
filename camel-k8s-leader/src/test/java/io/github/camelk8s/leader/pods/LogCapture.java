package io.github.camelk8s.leader.pods;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/** Records what the component logs (logger {@code io.github.camelk8s}) at INFO and above while it is open. */
public final class LogCapture extends AbstractAppender implements AutoCloseable {

    public record Line(Level level, String logger, String message) {
    }

    private static final String LOGGER = "io.github.camelk8s";
    private final List<Line> lines = new CopyOnWriteArrayList<>();

    private LogCapture() {
        super("e2e-log-capture-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY);
    }

    public static LogCapture open() {
        LogCapture capture = new LogCapture();
        capture.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        LoggerConfig config = context.getConfiguration().getLoggerConfig(LOGGER);
        config.addAppender(capture, Level.INFO, null);
        context.updateLoggers();
        return capture;
    }

    @Override
    public void append(LogEvent event) {
        lines.add(new Line(event.getLevel(), event.getLoggerName(), event.getMessage().getFormattedMessage()));
    }

    /** The WARN and ERROR lines so far that mention {@code text}: what an operator is alerted by. */
    public List<Line> warningsAbout(String text) {
        return warnings().stream().filter(l -> l.message().contains(text)).toList();
    }

    /** The WARN and ERROR lines so far. */
    public List<Line> warnings() {
        return lines.stream().filter(l -> l.level().isMoreSpecificThan(Level.WARN)).toList();
    }

    /** The lines of any level so far that mention {@code text}. */
    public List<Line> about(String text) {
        return lines.stream().filter(l -> l.message().contains(text)).toList();
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getLoggerConfig(LOGGER).removeAppender(getName());
        context.updateLoggers();
        stop();
    }
}

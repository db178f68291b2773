package io.github.camelk8s.leader.chaos;

import io.github.camelk8s.leader.LeadershipEventType;
import io.github.camelk8s.leader.election.LeaseElector;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * When each pod's elector decided that it leads, or that it no longer does, on the run's timeline.
 * <p>
 * A listener hears of a decision only when the elector's event thread gets to it, and that thread runs the
 * listeners of the previous event first: a route policy stopping its route after a LOST holds the next ELECTED back
 * for up to a second. The decision itself is logged at once: the elector writes the core's "Became leader of" and
 * "Stopped leading" lines on the deciding thread, under the lock under which it decides and under which the policy's
 * leadership checks run. Read from there, a decision's time is ordered exactly against those checks. {@link History}
 * pairs each decision with the event the pod's listener heard, so a change of wording cannot go unnoticed.
 */
final class ElectorDecisions implements AutoCloseable {

    private static final String LOGGER = LeaseElector.class.getName();
    private static final String BECAME_LEADER = "Became leader of ";
    private static final String STOPPED_LEADING = "Stopped leading ";

    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final AbstractAppender appender;

    private ElectorDecisions(History history) {
        appender = new AbstractAppender("chaos-decisions", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                long now = System.nanoTime();
                String text = event.getMessage().getFormattedMessage();
                int colon = text.indexOf(": ");
                if (colon < 0) {
                    return;
                }
                String rest = text.substring(colon + 2);
                if (rest.startsWith(BECAME_LEADER)) {
                    history.decided(text.substring(0, colon), LeadershipEventType.ELECTED, now);
                } else if (rest.startsWith(STOPPED_LEADING)) {
                    history.decided(text.substring(0, colon), LeadershipEventType.LOST, now);
                }
            }
        };
    }

    /** Starts recording the decisions of every elector in this JVM into {@code history}, until closed. */
    static ElectorDecisions record(History history) {
        ElectorDecisions decisions = new ElectorDecisions(history);
        decisions.appender.start();
        Configuration config = decisions.context.getConfiguration();
        LoggerConfig elector = LoggerConfig.newBuilder().withLoggerName(LOGGER).withLevel(Level.DEBUG)
                .withAdditivity(true).withConfig(config).build();
        elector.addAppender(decisions.appender, Level.INFO, null);
        config.addLogger(LOGGER, elector);
        decisions.context.updateLoggers();
        return decisions;
    }

    @Override
    public void close() {
        context.getConfiguration().removeLogger(LOGGER);
        context.updateLoggers();
        appender.stop();
    }
}

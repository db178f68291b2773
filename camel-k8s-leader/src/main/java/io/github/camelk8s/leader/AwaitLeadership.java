package io.github.camelk8s.leader;

import java.time.Duration;

import io.github.camelk8s.leader.election.LeaseElector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The awaitLeadership option: holds start-up until the election has an outcome this pod knows of. */
final class AwaitLeadership {

    private static final Logger LOG = LoggerFactory.getLogger(AwaitLeadership.class);

    private AwaitLeadership() {
    }

    /**
     * Waits, if awaitLeadership is on, for the election's first outcome until awaitLeadershipTimeout has passed
     * since the elector started ({@code startedNanos}, by {@link System#nanoTime()}). Counting from the shared
     * elector's start rather than from each caller's keeps the bound for the whole CamelContext start: every
     * consumer and policy on the Lease awaits in turn, and with the API unreachable each would otherwise wait a
     * full timeout (ten leader-only routes, ten timeouts).
     */
    static void await(LeaseElector elector, K8sLeaderConfiguration options, long startedNanos)
            throws InterruptedException {
        if (!options.awaitsLeadership()) {
            return;
        }
        Duration timeout = options.awaitLeadershipTimeout(elector.config());
        Duration remaining = timeout.minusNanos(System.nanoTime() - startedNanos);
        if (elector.awaitDecision(remaining.isNegative() ? Duration.ZERO : remaining)) {
            LOG.info("{}: leader of {}/{} is '{}'", elector.config().identity(), elector.config().namespace(),
                    elector.config().leaseName(), elector.holderIdentity());
        } else {
            LOG.warn("{}: no leader of {}/{} known after awaitLeadershipTimeout={}; starting anyway",
                    elector.config().identity(), elector.config().namespace(), elector.config().leaseName(),
                    timeout);
        }
    }
}

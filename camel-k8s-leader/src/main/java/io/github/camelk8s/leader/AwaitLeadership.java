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

    static void await(LeaseElector elector, K8sLeaderConfiguration options) throws InterruptedException {
        if (!options.isAwaitLeadership()) {
            return;
        }
        Duration timeout = options.effectiveAwaitLeadershipTimeout();
        if (elector.awaitDecision(timeout)) {
            LOG.info("{}: leader of {}/{} is '{}'", elector.config().identity(), elector.config().namespace(),
                    elector.config().leaseName(), elector.holderIdentity());
        } else {
            LOG.warn("{}: no leader of {}/{} known after awaitLeadershipTimeout={}; starting anyway",
                    elector.config().identity(), elector.config().namespace(), elector.config().leaseName(),
                    timeout);
        }
    }
}

package io.github.camelk8s.leader;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.camelk8s.leader.election.ElectionClock;
import io.github.camelk8s.leader.election.LeaderElectionConfig;
import io.github.camelk8s.leader.election.LeaseElector;
import io.github.camelk8s.leader.election.LeaseElectorFactory;

/**
 * One elector per (namespace, lease) in a CamelContext, shared by every consumer and route policy that names
 * that lease: two electors with the same identity on one Lease would renew each other's record and could both
 * believe they lead. Reference-counted: the last user to leave stops (and so releases) it.
 */
final class SharedLeaseElectors {

    private final Map<KubernetesClient, LeaseElectorFactory> factories = new IdentityHashMap<>();
    private final Map<String, Shared> electors = new HashMap<>();

    private static final class Shared {
        final LeaseElector elector;
        /** When the elector started, by System.nanoTime(): awaitLeadershipTimeout runs from here. */
        final long startedNanos = System.nanoTime();
        int users;

        Shared(LeaseElector elector) {
            this.elector = elector;
        }
    }

    /** The running elector for the config's Lease, started if it is the first user. */
    synchronized LeaseElector join(LeaderElectionConfig config, KubernetesClient client, ElectionClock clock) {
        String key = config.namespace() + "/" + config.leaseName();
        Shared shared = electors.get(key);
        if (shared == null) {
            LeaseElectorFactory factory = factories.computeIfAbsent(client, c -> new LeaseElectorFactory(c, clock));
            shared = new Shared(factory.create(config));
            shared.elector.start();
            electors.put(key, shared);
        } else if (!shared.elector.config().equals(config)) {
            throw new IllegalArgumentException("Lease " + key + " is already in use in this CamelContext as "
                                               + shared.elector.config() + "; every k8s-leader consumer and policy "
                                               + "on one Lease must use the same options, but got " + config);
        }
        shared.users++;
        return shared.elector;
    }

    /**
     * When the shared elector started ({@link System#nanoTime()}), or now if it is no longer shared. Every user of
     * a Lease awaits leadership until the same deadline counted from here, so N routes on one Lease hold start-up
     * for one awaitLeadershipTimeout, not N of them.
     */
    synchronized long startedNanos(LeaseElector elector) {
        Shared shared = electors.get(elector.config().namespace() + "/" + elector.config().leaseName());
        return shared != null && shared.elector == elector ? shared.startedNanos : System.nanoTime();
    }

    /** Gives up one use of the elector; the last one stops it, which releases the Lease if it leads. */
    void leave(LeaseElector elector) {
        boolean last;
        synchronized (this) {
            String key = elector.config().namespace() + "/" + elector.config().leaseName();
            Shared shared = electors.get(key);
            if (shared == null || shared.elector != elector) {
                return;
            }
            last = --shared.users == 0;
            if (last) {
                electors.remove(key);
            }
        }
        if (last) {
            // outside the lock: stopping waits for listeners, which may be joining or leaving other leases
            elector.stop();
        }
    }

    /** Stops every elector (releasing the leases it leads) and the shared threads. */
    void close() {
        Map<KubernetesClient, LeaseElectorFactory> toClose;
        synchronized (this) {
            electors.clear();
            toClose = new IdentityHashMap<>(factories);
            factories.clear();
        }
        toClose.values().forEach(LeaseElectorFactory::close);
    }
}

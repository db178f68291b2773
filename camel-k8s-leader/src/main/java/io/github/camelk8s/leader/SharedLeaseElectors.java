package io.github.camelk8s.leader;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.camelk8s.leader.election.ElectionClock;
import io.github.camelk8s.leader.election.LeaderElectionConfig;
import io.github.camelk8s.leader.election.LeaseElector;
import io.github.camelk8s.leader.election.LeaseElectorFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One elector per (namespace, lease) in a CamelContext, shared by every consumer, route policy and cluster view
 * that names that lease: two electors with the same identity on one Lease would renew each other's record and
 * could both believe they lead. Reference-counted: the last user to leave stops (and so releases) it.
 */
final class SharedLeaseElectors {

    private static final Logger LOG = LoggerFactory.getLogger(SharedLeaseElectors.class);

    /** What the component adds to each elector before it starts: event recorder, health check, MBean, meters. */
    interface Instrumentation {
        /** Attaches to a new elector, not yet started; returns what undoes it once the elector has stopped. */
        Runnable attach(LeaseElector elector, KubernetesClient client, boolean recordEvents);
    }

    private final Instrumentation instrumentation;
    private final Map<KubernetesClient, LeaseElectorFactory> factories = new IdentityHashMap<>();
    private final Map<String, Shared> electors = new HashMap<>();

    private static final class Shared {
        final LeaseElector elector;
        final boolean recordEvents;
        /** When the elector started, by System.nanoTime(): awaitLeadershipTimeout runs from here. */
        final long startedNanos = System.nanoTime();
        Runnable detach = () -> {
        };
        int users;

        Shared(LeaseElector elector, boolean recordEvents) {
            this.elector = elector;
            this.recordEvents = recordEvents;
        }
    }

    SharedLeaseElectors(Instrumentation instrumentation) {
        this.instrumentation = instrumentation;
    }

    private static String key(String namespace, String leaseName) {
        return namespace + "/" + leaseName;
    }

    /** The running elector for the config's Lease, started if it is the first user. */
    synchronized LeaseElector join(
            LeaderElectionConfig config, boolean recordEvents, KubernetesClient client, ElectionClock clock) {
        String key = key(config.namespace(), config.leaseName());
        Shared shared = electors.get(key);
        if (shared == null) {
            LeaseElectorFactory factory = factories.computeIfAbsent(client, c -> new LeaseElectorFactory(c, clock));
            shared = new Shared(factory.create(config), recordEvents);
            shared.detach = instrumentation.attach(shared.elector, client, recordEvents);
            shared.elector.start();
            electors.put(key, shared);
        } else if (!shared.elector.config().equals(config) || shared.recordEvents != recordEvents) {
            throw new IllegalArgumentException("Lease " + key + " is already in use in this CamelContext as "
                                               + shared.elector.config() + " (recordEvents=" + shared.recordEvents
                                               + "); every k8s-leader consumer, policy and cluster view on one "
                                               + "Lease must use the same options, but got " + config
                                               + " (recordEvents=" + recordEvents + ")");
        }
        shared.users++;
        return shared.elector;
    }

    /** The elector this CamelContext runs on the Lease, or null if nothing here takes part in that election. */
    synchronized LeaseElector find(String namespace, String leaseName) {
        Shared shared = electors.get(key(namespace, leaseName));
        return shared == null ? null : shared.elector;
    }

    /**
     * When the shared elector started ({@link System#nanoTime()}), or now if it is no longer shared. Every user of
     * a Lease awaits leadership until the same deadline counted from here, so N routes on one Lease hold start-up
     * for one awaitLeadershipTimeout, not N of them.
     */
    synchronized long startedNanos(LeaseElector elector) {
        Shared shared = electors.get(key(elector.config().namespace(), elector.config().leaseName()));
        return shared != null && shared.elector == elector ? shared.startedNanos : System.nanoTime();
    }

    /** Gives up one use of the elector; the last one stops it, which releases the Lease if it leads. */
    void leave(LeaseElector elector) {
        Shared last = null;
        synchronized (this) {
            String key = key(elector.config().namespace(), elector.config().leaseName());
            Shared shared = electors.get(key);
            if (shared == null || shared.elector != elector) {
                return;
            }
            if (--shared.users == 0) {
                electors.remove(key);
                last = shared;
            }
        }
        if (last != null) {
            // outside the lock: stopping waits for listeners, which may be joining or leaving other leases
            elector.stop();
            detach(last);
        }
    }

    /** Stops every elector (releasing the leases it leads) and the shared threads. */
    void close() {
        Map<KubernetesClient, LeaseElectorFactory> toClose;
        List<Shared> running;
        synchronized (this) {
            running = new ArrayList<>(electors.values());
            electors.clear();
            toClose = new IdentityHashMap<>(factories);
            factories.clear();
        }
        toClose.values().forEach(LeaseElectorFactory::close);
        running.forEach(SharedLeaseElectors::detach);
    }

    private static void detach(Shared shared) {
        try {
            shared.detach.run();
        } catch (RuntimeException e) {
            LOG.debug("Cannot detach the instrumentation of {}: {}", shared.elector, e.toString());
        }
    }
}

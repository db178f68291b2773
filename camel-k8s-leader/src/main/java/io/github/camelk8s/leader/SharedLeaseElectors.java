package io.github.camelk8s.leader;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.camelk8s.leader.election.ElectionClock;
import io.github.camelk8s.leader.election.GroupMembership;
import io.github.camelk8s.leader.election.LeaderElectionConfig;
import io.github.camelk8s.leader.election.LeaseElector;
import io.github.camelk8s.leader.election.LeaseRebalancer;
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
    /** The memberships by namespace and group, and how many cluster services use each. */
    private final Map<String, GroupMembership> memberships = new HashMap<>();
    private final Map<GroupMembership, Integer> membershipUsers = new IdentityHashMap<>();

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

    /** The running elector for the config's Lease, started if it is the first user (withdrawn unless competing). */
    synchronized LeaseElector join(LeaderElectionConfig config, boolean recordEvents, KubernetesClient client,
                                   ElectionClock clock, boolean compete) {
        String key = key(config.namespace(), config.leaseName());
        Shared shared = electors.get(key);
        if (shared == null) {
            LeaseElectorFactory factory = factories.computeIfAbsent(client, c -> new LeaseElectorFactory(c, clock));
            shared = new Shared(factory.create(config), recordEvents);
            shared.detach = instrumentation.attach(shared.elector, client, recordEvents);
            if (compete) {
                shared.elector.start();
            } else {
                shared.elector.startWithdrawn();
            }
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

    /**
     * The membership of the group in the timings' namespace, joined if this is its first user. One per group: two
     * with the same identity would each renew the slot the other holds.
     */
    GroupMembership joinGroup(String group, LeaderElectionConfig timings, KubernetesClient client,
                              ElectionClock clock) {
        String key = key(timings.namespace(), group);
        GroupMembership membership;
        synchronized (this) {
            membership = memberships.get(key);
            if (membership != null) {
                if (!membership.identity().equals(timings.identity())) {
                    throw new IllegalArgumentException("Group " + key + " is already joined in this CamelContext as '"
                                                       + membership.identity() + "'; cannot join it as '"
                                                       + timings.identity() + "' too");
                }
                membershipUsers.merge(membership, 1, Integer::sum);
                return membership;
            }
            LeaseElectorFactory factory = factories.computeIfAbsent(client, c -> new LeaseElectorFactory(c, clock));
            membership = factory.createMembership(group, timings);
            memberships.put(key, membership);
            membershipUsers.put(membership, 1);
        }
        membership.start();
        return membership;
    }

    /** A rebalancer on the client's factory, observing the namespace's Leases (outside this object's lock). */
    LeaseRebalancer createRebalancer(LeaderElectionConfig timings, LeaseRebalancer.Candidacy candidacy,
                                     KubernetesClient client, ElectionClock clock) {
        LeaseElectorFactory factory;
        synchronized (this) {
            factory = factories.computeIfAbsent(client, c -> new LeaseElectorFactory(c, clock));
        }
        return factory.createRebalancer(timings, candidacy);
    }

    /** Gives up one use of the membership; the last one leaves the group, which releases its slot. */
    void leaveGroup(GroupMembership membership) {
        synchronized (this) {
            Integer users = membershipUsers.get(membership);
            if (users == null) {
                return;
            }
            if (users > 1) {
                membershipUsers.put(membership, users - 1);
                return;
            }
            membershipUsers.remove(membership);
            memberships.remove(key(membership.namespace(), membership.group()));
        }
        membership.stop();
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

    /** Stops every membership and elector (releasing the slots and Leases held) and the shared threads. */
    void close() {
        Map<KubernetesClient, LeaseElectorFactory> toClose;
        List<Shared> running;
        synchronized (this) {
            running = new ArrayList<>(electors.values());
            electors.clear();
            memberships.clear();
            membershipUsers.clear();
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

package io.github.camelk8s.leader.election;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.camelk8s.leader.pods.FaultyClock;
import io.github.camelk8s.leader.testsupport.MockApiServer;

/**
 * One "pod": its own KubernetesClient (tagged with its identity, so faults can target it), its own
 * LeaseElectorFactory and clock, one elector and a listener recording its events. Crashing it closes its client,
 * so it vanishes without releasing the Lease.
 */
final class Candidate {

    final String id;
    final FaultyClock clock = new FaultyClock();
    final KubernetesClient client;
    final LeaseElectorFactory factory;
    final LeaseElector elector;
    final RecordingListener events = new RecordingListener();
    private final List<Long> acquisitionsSentAt = new CopyOnWriteArrayList<>();

    Candidate(MockApiServer server, LeaderElectionConfig config) {
        this.id = config.identity();
        this.client = server.newClient(id);
        this.factory = new LeaseElectorFactory(client, clock);
        this.elector = factory.create(config);
        elector.addListener(events);
        elector.addListener(new LeadershipListener() {
            @Override
            public void elected(LeaseRecord record) {
                // the acquiring write's send time (the elector's clock is the system clock unless jumped)
                acquisitionsSentAt.add(elector.lastRenewedNanos());
            }
        });
    }

    Candidate start() {
        elector.start();
        return this;
    }

    boolean isLeader() {
        return elector.isLeader();
    }

    /**
     * Leads and its listeners have been told so: isLeader() turns true a moment before the elected event is
     * delivered, so a test that goes on to read the events waits for this.
     */
    boolean isAnnouncedLeader() {
        int elected = events.count(RecordingListener.Type.ELECTED);
        return isLeader() && elected > events.count(RecordingListener.Type.LOST)
               && acquisitionsSentAt.size() == elected;
    }

    /** Graceful stop: a leader tells its listeners, then releases (unless releaseOnStop=false). */
    void stop() {
        elector.stop();
    }

    /** Vanishes without release: every later call of this candidate fails, its watch dies. */
    void crash() {
        client.close();
    }

    /** When the request that made this candidate leader (its last term) was sent, by System.nanoTime. */
    long lastAcquisitionSentAt() {
        return acquisitionsSentAt.get(acquisitionsSentAt.size() - 1);
    }

    void close() {
        factory.close();
        client.close();
    }

    @Override
    public String toString() {
        return id;
    }
}

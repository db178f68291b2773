package io.github.camelk8s.leader.election;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.github.camelk8s.leader.testsupport.MockApiServer;

/**
 * The test's own watch on the Lease: every version the API server reports, with the local time it was seen. The
 * time at which the test sees a write is about when the candidates' watches see it too (a few ms apart).
 */
final class LeaseHistory implements AutoCloseable {

    record Observation(long nanos, Watcher.Action action, LeaseRecord record, String resourceVersion) {

        String holder() {
            return record == null ? "" : record.holderIdentity();
        }
    }

    private static final String PROBE = "lease-history-probe";

    private final List<Observation> observations = new CopyOnWriteArrayList<>();
    private final Set<String> seenVersions = ConcurrentHashMap.newKeySet();
    private final CountDownLatch probed = new CountDownLatch(1);
    private final Watch watch;

    /**
     * Starts watching and returns once the watch delivers events: a watch opened just before the Lease is created
     * could otherwise report that first version hundreds of milliseconds late, as if it had been written then.
     */
    LeaseHistory(MockApiServer server, String leaseName) {
        var leases = server.admin().leases().inNamespace(MockApiServer.NAMESPACE);
        watch = leases.watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Lease lease) {
                long now = System.nanoTime();
                String name = lease.getMetadata().getName();
                if (PROBE.equals(name)) {
                    probed.countDown();
                    return;
                }
                // the first sighting of a version is when it was written (a re-delivery after a reconnect is not)
                String version = lease.getMetadata().getResourceVersion();
                if (leaseName.equals(name) && seenVersions.add(action + "/" + version)) {
                    observations.add(new Observation(now, action,
                            action == Action.DELETED ? null : LeaseRecord.of(lease), version));
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        });
        Instant now = Instant.now();
        leases.resource(new LeaseRecord("", 1, now, now, 0).toLease(MockApiServer.NAMESPACE, PROBE, null)).create();
        try {
            if (!probed.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("The test's watch on Leases delivers no events");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    List<Observation> all() {
        return List.copyOf(observations);
    }

    /** The last version seen that named {@code holder}: for a vanished holder, its last successful renewal. */
    Optional<Observation> lastHeldBy(String holder) {
        List<Observation> all = all();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).holder().equals(holder)) {
                return Optional.of(all.get(i));
            }
        }
        return Optional.empty();
    }

    /**
     * What the last term of {@code holder} was written over: the version seen just before the first version of
     * that term (empty if the Lease was absent or deleted then). A takeover of a released record shows the holder
     * did not wait for an expiry, without timing anything.
     */
    Optional<LeaseRecord> replacedByLastTermOf(String holder) {
        List<Observation> all = all();
        int first = -1;
        for (int i = all.size() - 1; i >= 0 && all.get(i).holder().equals(holder); i--) {
            first = i;
        }
        if (first <= 0) {
            throw new AssertionError("no term of " + holder + " follows another version: " + all);
        }
        return Optional.ofNullable(all.get(first - 1).record());
    }

    /** Versions naming {@code holder} seen between two System.nanoTime readings. */
    List<Observation> heldBetween(String holder, long fromNanos, long toNanos) {
        return all().stream()
                .filter(o -> o.holder().equals(holder) && o.nanos() >= fromNanos && o.nanos() <= toNanos)
                .toList();
    }

    @Override
    public void close() {
        watch.close();
    }
}

package io.github.camelk8s.leader.e2e;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

/**
 * The test's own watch on one Lease: every version of it the API server reported, with the local monotonic time it
 * arrived. A candidate watching the same Lease sees each version at about the same time, so these times are what
 * the candidates' expiry timing is compared with.
 */
final class LeaseWatch implements AutoCloseable {

    record Observation(Watcher.Action action, String holder, String resourceVersion, long nanos) {
    }

    private final List<Observation> observations = new CopyOnWriteArrayList<>();
    private final Watch watch;

    LeaseWatch(KubernetesClient client, String namespace, String leaseName) {
        watch = client.leases().inNamespace(namespace).withName(leaseName).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Lease lease) {
                String holder = lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
                observations.add(new Observation(action, holder == null ? "" : holder,
                        lease.getMetadata().getResourceVersion(), System.nanoTime()));
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        });
    }

    List<Observation> all() {
        return List.copyOf(observations);
    }

    /** The last version seen held by {@code holder}: for a vanished holder, its last renewal. */
    Optional<Observation> lastHeldBy(String holder) {
        return observations.stream().filter(o -> o.action() != Watcher.Action.DELETED && o.holder().equals(holder))
                .reduce((a, b) -> b);
    }

    boolean sawDeletion() {
        return observations.stream().anyMatch(o -> o.action() == Watcher.Action.DELETED);
    }

    @Override
    public void close() {
        watch.close();
    }
}

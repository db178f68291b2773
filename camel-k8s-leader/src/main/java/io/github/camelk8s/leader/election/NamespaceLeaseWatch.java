package io.github.camelk8s.leader.election;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One informer on the Leases of a namespace, shared by every elector of that namespace, fanning each event out
 * to the electors of the Lease it names. One watch connection per namespace rather than per Lease keeps a
 * thousand elections as cheap on the API server as one.
 * <p>
 * The informer relists and rewatches by itself after any failure (with back-off); while it is not watching,
 * electors fall back to polling, so a broken watch costs latency, never safety.
 */
final class NamespaceLeaseWatch implements LeaseWatch, ResourceEventHandler<Lease> {

    private static final Logger LOG = LoggerFactory.getLogger(NamespaceLeaseWatch.class);

    private final KubernetesClient client;
    private final String namespace;
    private final Map<String, List<LeaseObserver>> observers = new ConcurrentHashMap<>();
    /**
     * Observers of every Lease. Guarded by itself, held while one is told of an event and while a new one is told of
     * the Leases already known, so that a new observer sees each version at most once and never an event before the
     * state it follows from.
     */
    private final List<NamespaceObserver> namespaceObservers = new ArrayList<>();
    private SharedIndexInformer<Lease> informer;
    private boolean stopped;

    NamespaceLeaseWatch(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** Starts the informer, unless it runs already or this watch was stopped (an elector's start may come late). */
    @Override
    public synchronized void start() {
        if (informer != null || stopped) {
            return;
        }
        informer = client.leases().inNamespace(namespace).runnableInformer(0);
        informer.addEventHandler(this);
        informer.exceptionHandler((started, t) -> {
            // keep retrying whatever the failure (403, unreachable server, ...): the electors report it through
            // their own calls and poll meanwhile, and the watch must come back when the cause is fixed
            LOG.debug("Watch on Leases in namespace {} failed, retrying: {}", namespace, t.toString());
            return true;
        });
        informer.start().whenComplete((ok, t) -> {
            if (t != null) {
                LOG.warn("Watch on Leases in namespace {} could not start: {}", namespace, t.toString());
            }
        });
    }

    synchronized void stop() {
        stopped = true;
        if (informer != null) {
            informer.stop();
            informer = null;
        }
    }

    @Override
    public synchronized boolean isWatching() {
        return informer != null && informer.isWatching();
    }

    @Override
    public void addObserver(String leaseName, LeaseObserver observer) {
        observers.computeIfAbsent(leaseName, n -> new CopyOnWriteArrayList<>()).add(observer);
    }

    @Override
    public void removeObserver(String leaseName, LeaseObserver observer) {
        observers.computeIfPresent(leaseName, (n, list) -> {
            list.remove(observer);
            return list.isEmpty() ? null : list;
        });
    }

    /**
     * Adds an observer of every Lease of the namespace and tells it, first, of each Lease the watch already knows.
     * The informer updates its store before it tells its handlers, so a Lease changed meanwhile is told again
     * afterwards, never lost.
     */
    /** Adds a namespace observer and starts the watch if it is not running yet. */
    void observeAll(NamespaceObserver observer) {
        addNamespaceObserver(observer);
        start();
    }

    void addNamespaceObserver(NamespaceObserver observer) {
        SharedIndexInformer<Lease> running;
        synchronized (this) {
            running = informer;
        }
        synchronized (namespaceObservers) {
            namespaceObservers.add(observer);
            if (running != null) {
                for (Lease lease : running.getStore().list()) {
                    observer.leaseChanged(lease.getMetadata().getName(), LeaseSnapshot.of(lease));
                }
            }
        }
    }

    void removeNamespaceObserver(NamespaceObserver observer) {
        synchronized (namespaceObservers) {
            namespaceObservers.remove(observer);
        }
    }

    @Override
    public void onAdd(Lease lease) {
        changed(lease);
    }

    @Override
    public void onUpdate(Lease oldLease, Lease newLease) {
        changed(newLease);
    }

    private void changed(Lease lease) {
        List<LeaseObserver> targets = observersOf(lease);
        LeaseSnapshot snapshot = LeaseSnapshot.of(lease);
        for (LeaseObserver o : targets) {
            o.leaseChanged(snapshot);
        }
        synchronized (namespaceObservers) {
            for (NamespaceObserver o : namespaceObservers) {
                o.leaseChanged(lease.getMetadata().getName(), snapshot);
            }
        }
    }

    @Override
    public void onDelete(Lease lease, boolean deletedFinalStateUnknown) {
        for (LeaseObserver o : observersOf(lease)) {
            o.leaseDeleted(deletedFinalStateUnknown);
        }
        synchronized (namespaceObservers) {
            for (NamespaceObserver o : namespaceObservers) {
                o.leaseDeleted(lease.getMetadata().getName());
            }
        }
    }

    private List<LeaseObserver> observersOf(Lease lease) {
        return observers.getOrDefault(lease.getMetadata().getName(), List.of());
    }
}

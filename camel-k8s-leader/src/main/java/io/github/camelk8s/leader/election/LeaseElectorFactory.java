package io.github.camelk8s.leader.election;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Creates {@link LeaseElector}s on one KubernetesClient and shares among them what would otherwise grow with the
 * number of elections: one Lease watch per namespace, one timing thread, a small pool for API calls and a pool
 * for listener callbacks (threads there exist only while callbacks run).
 * <p>
 * Usable from plain Java:
 *
 * <pre>
 * try (LeaseElectorFactory electors = new LeaseElectorFactory(client)) {
 *     LeaseElector elector = electors.create(LeaderElectionConfig.builder()
 *             .namespace("default").leaseName("nightly-import").identity(podName).build());
 *     elector.addListener(new LeadershipListener() { ... });
 *     elector.start();
 *     ...
 * }
 * </pre>
 *
 * Closing the factory stops (and so releases) every elector it created; it does not close the client.
 */
public final class LeaseElectorFactory implements AutoCloseable {

    /** Concurrent API calls; each elector has at most one in flight, so this bounds threads, not elections. */
    private static final int API_THREADS = 4;

    private final KubernetesClient client;
    private final ElectionClock clock;
    private final ScheduledThreadPoolExecutor timer;
    private final ThreadPoolExecutor io;
    private final ThreadPoolExecutor events;
    private final Map<String, NamespaceLeaseWatch> watches = new HashMap<>();
    private final Map<String, Integer> electorsPerNamespace = new HashMap<>();
    private final Set<LeaseElector> electors = new LinkedHashSet<>();
    private boolean closed;

    public LeaseElectorFactory(KubernetesClient client) {
        this(client, ElectionClock.system());
    }

    public LeaseElectorFactory(KubernetesClient client, ElectionClock clock) {
        this.client = client;
        this.clock = clock;
        this.timer = new ScheduledThreadPoolExecutor(1, daemonThreads("k8s-leader-timer"));
        this.timer.setRemoveOnCancelPolicy(true);
        this.io = new ThreadPoolExecutor(API_THREADS, API_THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                daemonThreads("k8s-leader-api"));
        this.io.allowCoreThreadTimeOut(true);
        this.events = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                daemonThreads("k8s-leader-events"));
    }

    public KubernetesClient client() {
        return client;
    }

    /** A new candidate for the configured Lease; call {@link LeaseElector#start()} to make it compete. */
    public synchronized LeaseElector create(LeaderElectionConfig config) {
        if (closed) {
            throw new IllegalStateException("LeaseElectorFactory is closed");
        }
        String namespace = config.namespace();
        NamespaceLeaseWatch watch = watches.computeIfAbsent(namespace, ns -> new NamespaceLeaseWatch(client, ns));
        electorsPerNamespace.merge(namespace, 1, Integer::sum);
        watch.start();
        LeaseElector[] self = new LeaseElector[1];
        self[0] = new LeaseElector(config, new LeaseApi(client, namespace, config.leaseName()), watch, clock, timer,
                io, events, () -> stopped(self[0]));
        electors.add(self[0]);
        return self[0];
    }

    private synchronized void stopped(LeaseElector elector) {
        if (!electors.remove(elector)) {
            return;
        }
        String namespace = elector.config().namespace();
        if (electorsPerNamespace.merge(namespace, -1, Integer::sum) == 0) {
            electorsPerNamespace.remove(namespace);
            watches.remove(namespace).stop();
        }
    }

    /** Stops every elector still running (each releases its Lease if it leads), then the shared threads. */
    @Override
    public void close() {
        List<LeaseElector> running;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            running = new ArrayList<>(electors);
        }
        running.forEach(LeaseElector::stop);
        synchronized (this) {
            watches.values().forEach(NamespaceLeaseWatch::stop);
            watches.clear();
        }
        timer.shutdownNow();
        io.shutdown();
        events.shutdown();
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}

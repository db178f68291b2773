package io.github.camelk8s.leader.election;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Creates {@link LeaseElector}s on one KubernetesClient and shares among them what would otherwise grow with the
 * number of elections: one Lease watch per namespace, one timing thread, a small pool for API calls and a smaller
 * one for listener callbacks. Whatever the number of elections, the factory runs at most
 * {@value #MAX_THREADS} threads of its own, and only as many as are busy (the benchmark's scale scenario: a
 * thousand Leases in one JVM).
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
    /**
     * Concurrent listener callbacks (each elector's run one at a time, in order). Bounded, so that a burst of
     * events (a thousand Leases won at once) queues rather than starting a thread per event; two, so that one slow
     * listener (a route taking long to stop) does not hold up every other Lease's events.
     */
    static final int EVENT_THREADS = 2;
    static final int MAX_THREADS = 1 + API_THREADS + EVENT_THREADS;

    private final KubernetesClient client;
    private final ElectionClock clock;
    private final ScheduledThreadPoolExecutor timer;
    private final ThreadPoolExecutor io;
    private final ThreadPoolExecutor events;
    private final Map<String, NamespaceLeaseWatch> watches = new HashMap<>();
    private final Map<String, Integer> electorsPerNamespace = new HashMap<>();
    private final Set<LeaseElector> electors = new LinkedHashSet<>();
    private final Set<GroupMembership> memberships = new LinkedHashSet<>();
    private final Set<LeaseRebalancer> rebalancers = new LinkedHashSet<>();
    private boolean closed;

    public LeaseElectorFactory(KubernetesClient client) {
        this(client, ElectionClock.system());
    }

    public LeaseElectorFactory(KubernetesClient client, ElectionClock clock) {
        this.client = client;
        this.clock = clock;
        this.timer = new ScheduledThreadPoolExecutor(1, daemonThreads("k8s-leader-timer"));
        this.timer.setRemoveOnCancelPolicy(true);
        this.io = elasticPool("k8s-leader-api", API_THREADS);
        this.events = elasticPool("k8s-leader-events", EVENT_THREADS);
    }

    /** Threads the factory has running now (for tests). */
    int threadCount() {
        return timer.getPoolSize() + io.getPoolSize() + events.getPoolSize();
    }

    /** The most threads the factory ever had running at once (for tests). */
    int largestThreadCount() {
        return timer.getLargestPoolSize() + io.getLargestPoolSize() + events.getLargestPoolSize();
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
        NamespaceLeaseWatch watch = watchFor(namespace);
        LeaseElector[] self = new LeaseElector[1];
        LeaseApi api = new LeaseApi(client, namespace, config.leaseName(), io);
        self[0] = new LeaseElector(config, new ElectionCore(config), api, watch, clock, this::schedule, events,
                () -> stopped(self[0]));
        electors.add(self[0]);
        return self[0];
    }

    /**
     * A membership of {@code group} in the namespace of {@code timings}, with its identity and timings (the
     * leaseName of {@code timings} is not used: the membership's Leases are the group's slots); call
     * {@link GroupMembership#start()} to join. Fails, naming the option, if the group cannot be part of a Lease name.
     */
    public synchronized GroupMembership createMembership(String group, LeaderElectionConfig timings) {
        if (closed) {
            throw new IllegalStateException("LeaseElectorFactory is closed");
        }
        String namespace = timings.namespace();
        GroupMembership[] self = new GroupMembership[1];
        self[0] = new GroupMembership(group, timings, this, watchFor(namespace), clock, events,
                () -> left(self[0]));
        memberships.add(self[0]);
        return self[0];
    }

    /**
     * A rebalancer of the Leases that {@code timings}' identity takes part in, in the namespace of {@code timings}
     * (its leaseName is not used; its leaseDuration is the grace after which a Lease without a leader is competed
     * for anyway), already observing the namespace's Leases; {@link LeaseRebalancer#follow} a membership to make
     * this member part of the spread.
     */
    public LeaseRebalancer createRebalancer(LeaderElectionConfig timings, LeaseRebalancer.Candidacy candidacy) {
        LeaseRebalancer created;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("LeaseElectorFactory is closed");
            }
            LeaseRebalancer[] self = new LeaseRebalancer[1];
            self[0] = new LeaseRebalancer(timings, watchFor(timings.namespace()), clock, this::schedule, candidacy,
                    () -> rebalancerStopped(self[0]));
            rebalancers.add(self[0]);
            created = self[0];
        }
        // outside this factory's lock: the watch replays its Leases into the rebalancer, under the rebalancer's
        created.observe();
        return created;
    }

    private synchronized void rebalancerStopped(LeaseRebalancer rebalancer) {
        if (rebalancers.remove(rebalancer)) {
            unwatch(rebalancer.namespace());
        }
    }

    /** The namespace's watch, counting one more user: it stops when its last elector or membership has stopped. */
    private NamespaceLeaseWatch watchFor(String namespace) {
        NamespaceLeaseWatch watch = watches.computeIfAbsent(namespace, ns -> new NamespaceLeaseWatch(client, ns));
        electorsPerNamespace.merge(namespace, 1, Integer::sum);
        return watch;
    }

    private void unwatch(String namespace) {
        if (electorsPerNamespace.merge(namespace, -1, Integer::sum) == 0) {
            electorsPerNamespace.remove(namespace);
            watches.remove(namespace).stop();
        }
    }

    private synchronized void left(GroupMembership membership) {
        if (memberships.remove(membership)) {
            unwatch(membership.namespace());
        }
    }

    /** The namespace's Leases, listed on an API thread. */
    CompletableFuture<List<Lease>> listLeases(String namespace) {
        return CompletableFuture.supplyAsync(() -> client.leases().inNamespace(namespace).list().getItems(), io);
    }

    /** The timing thread as the electors' scheduler: its tasks only feed an elector's core and never block. */
    ElectionScheduler.Scheduled schedule(Runnable task, long delayNanos) {
        ScheduledFuture<?> future = timer.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    private synchronized void stopped(LeaseElector elector) {
        if (!electors.remove(elector)) {
            return;
        }
        unwatch(elector.config().namespace());
    }

    /**
     * Stops every rebalancer, then every membership (each releases its slot) and then every elector still running
     * (each releases its Lease if it leads), then the shared threads. Rebalancers first, so that none starts a
     * candidacy while the others stop; memberships before electors: one whose slot's elector were stopped under it
     * would compete for another slot.
     */
    @Override
    public void close() {
        List<LeaseRebalancer> rebalancing;
        List<GroupMembership> joined;
        List<LeaseElector> running;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            rebalancing = new ArrayList<>(rebalancers);
            joined = new ArrayList<>(memberships);
        }
        rebalancing.forEach(LeaseRebalancer::stop);
        joined.forEach(GroupMembership::stop);
        synchronized (this) {
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

    /**
     * Up to {@code max} threads, started only when every running one is busy; idle ones end after 30 s. A plain
     * ThreadPoolExecutor cannot do this: with a queue it never grows past its core size, and with core = max it
     * starts a thread for each of the first tasks even while the others are idle, so one Lease renewing every two
     * seconds kept all four API threads alive.
     */
    private static ThreadPoolExecutor elasticPool(String prefix, int max) {
        GrowFirstQueue queue = new GrowFirstQueue();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, max, 30, TimeUnit.SECONDS, queue, daemonThreads(prefix),
                (task, executor) -> {
                    // full: queue it after all, unless the pool is shut down
                    if (executor.isShutdown()) {
                        throw new RejectedExecutionException("k8s-leader pool " + prefix + " is shut down");
                    }
                    queue.enqueue(task);
                });
        queue.pool = pool;
        return pool;
    }

    /** Declines a task while the pool could start a thread and has none idle, which makes the pool start one. */
    private static final class GrowFirstQueue extends LinkedBlockingQueue<Runnable> {
        private volatile ThreadPoolExecutor pool;

        @Override
        public boolean offer(Runnable task) {
            ThreadPoolExecutor p = pool;
            if (p != null && p.getPoolSize() < p.getMaximumPoolSize() && p.getActiveCount() >= p.getPoolSize()) {
                return false;
            }
            return super.offer(task);
        }

        void enqueue(Runnable task) {
            super.offer(task);
        }
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

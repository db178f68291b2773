package io.github.camelk8s.leader.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.github.camelk8s.leader.K8sLeaderComponent;
import io.github.camelk8s.leader.K8sLeaderConfiguration;
import io.github.camelk8s.leader.K8sLeaderConstants;
import io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy;
import io.github.camelk8s.leader.testsupport.CountingDispatcher;
import io.github.camelk8s.leader.testsupport.Fabric8Electors;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kubernetes.KubernetesConfiguration;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario 4: many Leases in one JVM, one candidate on each (one pod leading many singletons). This component is
 * given no client and builds its own, as an application that configures none gets; the peers share one client with
 * fabric8's defaults. Threads and heap are counted from just before the elections start (the peers' client
 * already connected; this component's client not yet built, so its threads count as the component's), so what is
 * counted is what the elections added; the heap figure is the JVM's used heap after a full GC, and so also holds
 * the mock API server's store of those Leases.
 */
final class Scale {

    private static final Logger LOG = LoggerFactory.getLogger("bench");

    record Outcome(Impl impl, int leases, double secondsToAllLeading, int threadsAdded, int peakThreadsAdded,
                   int clientThreadsAdded, double heapUsedMb, double heapAddedMb, long openWatches, long watchRequests,
                   double requestsPerMinute, String threadGroups, String peakThreadGroups) {

        /** Threads the implementation runs itself, as opposed to the shared Kubernetes client's. */
        int ownThreadsAdded() {
            return threadsAdded - clientThreadsAdded;
        }
    }

    /** One implementation's way of leading many Leases at once. */
    private interface Run extends AutoCloseable {
        void start() throws Exception;

        int leading();

        /** Ends the elections and closes the client, in the order that implementation needs. */
        @Override
        void close();
    }

    private Scale() {
    }

    /**
     * Measures one implementation on a mock API server of its own, empty. The mock's CRUD store answers every GET
     * and LIST by scanning every object it holds, in every namespace, on one event-loop thread: on a shared server,
     * the thousands of Leases and Events the earlier implementations left behind made each of Camel's requests
     * several times dearer, and its fixed demand (a GET and a LIST per Lease every retryPeriod, about 900 a second
     * for a thousand Leases) then outran the server, so requests queued past the client's timeout and its
     * controllers never got to lead (3 or 4 of 1000 Leases in three minutes after the two others; none with 3000
     * other Leases in the store, against all 1000 within a minute on an empty one, measured on the same machine).
     */
    static Outcome measure(Impl impl, int leases, Duration settle, Duration window) throws Exception {
        try (MockApiServer api = Benchmarks.freshApiServer()) {
            return measure(api, impl, leases, settle, window);
        }
    }

    private static Outcome measure(MockApiServer api, Impl impl, int leases, Duration settle, Duration window)
            throws Exception {
        String identity = "scale-" + impl.key;
        String namespace = identity;
        // the requests of the client this component builds for itself name no candidate; on this server of its
        // own they are the only ones that do not (the warm-up client names itself)
        String requester = impl == Impl.K8S_LEADER ? "" : identity;
        Run run;
        if (impl == Impl.K8S_LEADER) {
            run = k8sLeader(api, namespace, identity, leases);
        } else {
            KubernetesClient client = api.newDefaultClient(identity, namespace);
            client.leases().inNamespace(namespace).list();
            run = impl == Impl.FABRIC8 ? fabric8(client, namespace, identity, leases)
                    : camel(api, client, namespace, identity, leases);
        }
        Benchmarks.sleep(500);
        double heapBefore = usedHeapAfterGc();
        Map<String, Integer> threadsBefore = threadGroups();
        int before = total(threadsBefore);
        int clientBefore = clientThreadCount();
        Peak peak = new Peak(threadsBefore);
        long t0 = System.nanoTime();
        try {
            run.start();
            long deadline = t0 + Duration.ofMinutes(3).toNanos();
            while (run.leading() < leases) {
                peak.sample();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(impl.label + ": only " + run.leading() + " of " + leases
                                                    + " Leases led after 3 minutes");
                }
                Benchmarks.sleep(20);
            }
            double toAll = Handover.ms(System.nanoTime() - t0) / 1000;
            // steady state: past the start-up burst, long enough for idle pool threads to time out (30 s in this
            // component's pools, 60 s in the fabric8 client's); requests are counted over the last window of it
            long settleUntil = System.nanoTime() + settle.toNanos();
            long windowFrom = settleUntil - window.toNanos();
            CountingDispatcher.Snapshot s0 = null;
            long w0 = 0;
            while (System.nanoTime() < settleUntil) {
                peak.sample();
                if (s0 == null && System.nanoTime() >= windowFrom) {
                    s0 = api.counts().snapshot(requester);
                    w0 = System.nanoTime();
                }
                Benchmarks.sleep(100);
            }
            CountingDispatcher.Snapshot delta = api.counts().snapshot(requester).minus(s0);
            double minutes = (System.nanoTime() - w0) / (double) Duration.ofMinutes(1).toNanos();
            Map<String, Integer> threadsAfter = threadGroups();
            double heapAfter = usedHeapAfterGc();
            Outcome outcome = new Outcome(impl, leases, toAll, total(threadsAfter) - before,
                    total(peak.groups) - before, clientThreadCount() - clientBefore, heapAfter,
                    heapAfter - heapBefore, delta.openWatches(), api.counts().snapshot(requester).watchRequests(),
                    delta.requests() / minutes, diff(threadsBefore, threadsAfter), diff(threadsBefore, peak.groups));
            LOG.info("  {} x{} Leases: all led after {} s; threads +{} (of which the client's +{}; peak +{}), "
                     + "heap {} MB (+{} MB), {} watch connection(s), {} requests/min; new threads: {}; at the peak: {}",
                    impl.label, leases, String.format("%.1f", toAll), outcome.threadsAdded(),
                    outcome.clientThreadsAdded(), outcome.peakThreadsAdded(), Math.round(heapAfter),
                    Math.round(heapAfter - heapBefore),
                    outcome.openWatches(), Math.round(outcome.requestsPerMinute()), outcome.threadGroups(),
                    outcome.peakThreadGroups());
            return outcome;
        } finally {
            run.close();
            Benchmarks.sleep(1000);
        }
    }

    /**
     * This component as an application that configures no client gets it: the component builds its own, from
     * fabric8's auto-configuration, which system properties point at the mock API server (as they may point a pod
     * run outside a cluster at one); they are put back when the run closes.
     */
    private static Run k8sLeader(MockApiServer api, String namespace, String identity, int leases) throws Exception {
        MockApiServer.AutoConfiguration pointed = api.pointAutoConfigurationHere(namespace);
        CamelContext context = new DefaultCamelContext();
        K8sLeaderComponent component = new K8sLeaderComponent();
        K8sLeaderConfiguration options = component.getConfiguration();
        options.setNamespace(namespace);
        options.setIdentity(identity);
        options.setRenewalInterval(BenchmarkTimings.DEFAULT.retryPeriod());
        context.addComponent(K8sLeaderConstants.SCHEME, component);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                for (int i = 0; i < leases; i++) {
                    from("direct:work-" + i).routeId("work-" + i)
                            .routePolicy(new K8sLeaderRoutePolicy("lease-" + i))
                            .setBody(constant("work"));
                }
            }
        });
        return camelRun(context, pointed::close, leases);
    }

    private static Run camel(MockApiServer api, KubernetesClient client, String namespace, String identity, int leases)
            throws Exception {
        CamelClusterCandidate.createReadyPod(api.admin(), namespace, identity);
        CamelContext context = new DefaultCamelContext();
        KubernetesConfiguration configuration = new KubernetesConfiguration();
        configuration.setKubernetesClient(client);
        KubernetesClusterService cluster = new KubernetesClusterService(configuration);
        cluster.setKubernetesNamespace(namespace);
        cluster.setPodName(identity);
        cluster.setClusterLabels(CamelClusterCandidate.LABELS);
        cluster.setKubernetesResourceName("camel");
        context.addService(cluster);
        List<ClusteredRoutePolicy> policies = new ArrayList<>();
        for (int i = 0; i < leases; i++) {
            policies.add(ClusteredRoutePolicy.forNamespace(cluster, "lease-" + i));
        }
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                for (int i = 0; i < leases; i++) {
                    from("direct:work-" + i).routeId("work-" + i).routePolicy(policies.get(i))
                            .setBody(constant("work"));
                }
            }
        });
        return camelRun(context, client::close, leases);
    }

    /**
     * A CamelContext with a leader-only route per Lease; {@code afterStop} runs once it has stopped, such as closing
     * the client. It stops before its client closes: with the client closed first, Camel's KubernetesClusterService
     * loses its Leases in the middle of the context's stop, and its ClusteredRoutePolicy then deadlocks (its leader
     * notifier holds the policy's lock and waits for a route's, which the stopping context holds while it waits for
     * the policy's).
     */
    private static Run camelRun(CamelContext context, Runnable afterStop, int leases) {
        return new Run() {
            @Override
            public void start() {
                context.start();
            }

            @Override
            public int leading() {
                int started = 0;
                for (int i = 0; i < leases; i++) {
                    var status = context.getRouteController().getRouteStatus("work-" + i);
                    if (status != null && status.isStarted()) {
                        started++;
                    }
                }
                return started;
            }

            @Override
            public void close() {
                try {
                    context.stop();
                } finally {
                    afterStop.run();
                }
            }
        };
    }

    private static Run fabric8(KubernetesClient client, String namespace, String identity, int leases) {
        AtomicInteger leading = new AtomicInteger();
        List<CompletableFuture<?>> elections = new ArrayList<>();
        return new Run() {
            @Override
            public void start() {
                for (int i = 0; i < leases; i++) {
                    elections.add(Fabric8Electors.elector(client, namespace, "lease-" + i, identity,
                            BenchmarkTimings.DEFAULT, new LeaderCallbacks(leading::incrementAndGet,
                                    leading::decrementAndGet, leader -> {
                                    })).start());
                }
            }

            @Override
            public int leading() {
                return leading.get();
            }

            /**
             * The client goes first: the electors release on cancel, a PATCH each, and fabric8's stopLeading waits
             * for the elector's monitor, which a renewal in flight holds; a thousand of them through a busy mock
             * took minutes.
             */
            @Override
            public void close() {
                client.close();
                elections.forEach(e -> e.cancel(true));
            }
        };
    }

    static double usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Benchmarks.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0);
    }

    /** The most threads seen at once, by name, sampled while the elections run. */
    private static final class Peak {
        Map<String, Integer> groups;

        Peak(Map<String, Integer> before) {
            groups = before;
        }

        void sample() {
            Map<String, Integer> now = threadGroups();
            if (total(now) > total(groups)) {
                groups = now;
            }
        }
    }

    private static int total(Map<String, Integer> groups) {
        return groups.values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * The Kubernetes client's threads: fabric8's default executor ("&lt;hash&gt;-pool-N-thread-M"; informer event
     * delivery, fabric8's LeaderElector loops) or the one this component gives the client it builds
     * ("k8s-leader-client-N"), fabric8's JVM-wide scheduler, and Vert.x's event loops and blocked-thread checker.
     */
    static int clientThreadCount() {
        int n = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            String name = thread.getName();
            if (thread.isAlive() && (name.matches("-?\\d+-pool-\\d+-thread-\\d+") || name.startsWith("k8s-leader-client")
                                     || name.startsWith("CachedSingleThreadScheduler") || name.startsWith("vert.x-")
                                     || name.startsWith("vertx-"))) {
                n++;
            }
        }
        return n;
    }

    /**
     * Not counted: the mock API server's threads (a JDK-default-named scheduler, "pool-N-thread-M", per watch
     * connection, on the server side of the wire), the JVM's common fork-join pool, which comes and goes with
     * whatever last used it, and the JDK's process reaper, which the benchmark's own calls of git (for the commit
     * it measures) start and end.
     */
    private static boolean counted(Thread thread) {
        String name = thread.getName();
        return !name.matches("pool-\\d+-thread-\\d+") && !name.startsWith("ForkJoinPool.commonPool")
               && !name.equals("process reaper");
    }

    /** Live threads by name, with numbers dropped ("k8s-leader-api-3" counts as "k8s-leader-api-#"). */
    private static Map<String, Integer> threadGroups() {
        Map<String, Integer> groups = new TreeMap<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.isAlive() && counted(thread)) {
                groups.merge(thread.getName().replaceAll("(?<![A-Za-z])\\d+", "#"), 1, Integer::sum);
            }
        }
        return groups;
    }

    private static String diff(Map<String, Integer> before, Map<String, Integer> after) {
        Map<String, Integer> added = new TreeMap<>();
        after.forEach((name, n) -> {
            int delta = n - before.getOrDefault(name, 0);
            if (delta != 0) {
                added.put(name, delta);
            }
        });
        before.forEach((name, n) -> {
            if (!after.containsKey(name)) {
                added.put(name, -n);
            }
        });
        return added.isEmpty() ? "none" : added.entrySet().stream()
                .map(e -> (e.getValue() > 0 ? "+" : "") + e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", "));
    }
}

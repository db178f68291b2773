package io.github.camelk8s.leader.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.github.camelk8s.leader.K8sLeaderComponent;
import io.github.camelk8s.leader.K8sLeaderConfiguration;
import io.github.camelk8s.leader.K8sLeaderConstants;
import io.github.camelk8s.leader.demo.FailoverTimeline.Action.Kind;
import io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import io.github.camelk8s.leader.testsupport.Pod;
import io.github.camelk8s.leader.testsupport.Timings;
import io.github.camelk8s.leader.testsupport.WorkLog;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three candidate "pods" (CamelContexts, each with its own Kubernetes client, as replicas of a Deployment would
 * have) compete for one Lease. Each runs a leader-only timer route (under {@link K8sLeaderRoutePolicy}) and a
 * {@code k8s-leader:} route that logs leadership events. The demo stops the leader gracefully (it releases the
 * Lease: a follower takes over as soon as its watch sees that), then kills the next leader without a release (a
 * follower takes over once the Lease has gone unrenewed for leaseDuration), prints what it measured and draws it
 * as an SVG timeline ({@code -Ddemo.timeline=<file>}, by default target/failover-timeline.svg).
 * <p>
 * By default it runs on fabric8's mock API server, in-process; with {@code -Ddemo.cluster=true} it runs against
 * the cluster the default Kubernetes configuration points at (KUBECONFIG or the in-cluster service account).
 */
public final class FailoverDemo {

    private static final Logger LOG = LoggerFactory.getLogger("demo");

    /** leaseDuration 4 s, renewDeadline 3 s, retryPeriod 500 ms, renewalInterval 1 s. */
    static final Timings TIMINGS = new Timings("demo", Duration.ofSeconds(4), Duration.ofSeconds(3),
            Duration.ofMillis(500), Duration.ofSeconds(1));
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(20);
    private static final String WORK_ROUTE = "leader-only-work";

    /** A new client for the named pod (or the observer). */
    private final Function<String, KubernetesClient> clients;
    private final String leaseName;
    private final WorkLog workLog = new WorkLog();
    private final TimelineRecorder timeline = new TimelineRecorder();
    private final List<Pod> pods = new ArrayList<>();

    private FailoverDemo(Function<String, KubernetesClient> clients, String leaseName) {
        this.clients = clients;
        this.leaseName = leaseName;
    }

    public static void main(String[] args) throws Exception {
        boolean cluster = Boolean.getBoolean("demo.cluster");
        MockApiServer server = null;
        Function<String, KubernetesClient> clients;
        String leaseName;
        if (cluster) {
            clients = name -> new KubernetesClientBuilder().build();
            // a fresh name per run, so the demo never competes with a previous run's leftover Lease
            leaseName = "camel-k8s-leader-demo-" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36);
        } else {
            // warmed up, so that the first election is not held up by the server's own start
            server = new MockApiServer().warmUp();
            clients = server::newClient;
            leaseName = "camel-k8s-leader-demo";
        }
        int status;
        try {
            status = new FailoverDemo(clients, leaseName).run(cluster);
        } finally {
            if (server != null) {
                server.close();
            }
        }
        System.exit(status);
    }

    private int run(boolean cluster) throws Exception {
        try (KubernetesClient observer = clients.apply("observer"); Watch watch = watchRenewals(observer)) {
            String namespace = observer.getConfiguration().getNamespace();
            LOG.info("Lease {}/{} on {} (leaseDuration {} ms, renewDeadline {} ms, retryPeriod {} ms, "
                     + "renewalInterval {} ms)",
                    namespace, leaseName, cluster ? observer.getMasterUrl() : "an embedded mock API server",
                    TIMINGS.leaseDuration().toMillis(), TIMINGS.renewDeadline().toMillis(),
                    TIMINGS.retryPeriod().toMillis(), TIMINGS.renewalInterval().toMillis());

            long started = timeline.start();
            for (String name : List.of("pod-a", "pod-b", "pod-c")) {
                pods.add(startPod(name, namespace));
            }
            Pod first = awaitWorkingLeader(started);
            long firstElected = workLog.firstAfter(first.name(), started) - started;
            timeline.measured("first leader", started, started + firstElected);
            LOG.info(">>> {} leads and its leader-only route works, {} ms after the pods started", first.name(),
                    ms(firstElected));
            pause(Duration.ofSeconds(2));

            LOG.info(">>> Stopping {} gracefully: it stops its route, then releases the Lease", first.name());
            long stopAt = System.nanoTime();
            timeline.action(Kind.STOP, first.name(), stopAt);
            first.stop();
            Pod second = awaitWorkingLeader(stopAt);
            long handover = workLog.firstAfter(second.name(), stopAt) - stopAt;
            timeline.measured("handover", stopAt, stopAt + handover);
            LOG.info(">>> {} took over: its leader-only route worked {} ms after {} was told to stop",
                    second.name(), ms(handover), first.name());
            pause(Duration.ofSeconds(2));

            LOG.info(">>> Killing {}: its connection to the API server is cut and it stops, so it cannot release",
                    second.name());
            long killAt = System.nanoTime();
            timeline.action(Kind.KILL, second.name(), killAt);
            second.kill();
            Pod third = awaitWorkingLeader(killAt);
            long thirdWorked = workLog.firstAfter(third.name(), killAt);
            long sinceKill = thirdWorked - killAt;
            long lastRenewal = timeline.lastRecordOf(second.name(), killAt);
            long sinceRenewal = thirdWorked - lastRenewal;
            timeline.measured("take-over after the kill", killAt, thirdWorked);
            timeline.measured("take-over after " + second.name() + "'s last renewal", lastRenewal, thirdWorked);
            LOG.info(">>> {} took over {} ms after the kill, {} ms after {}'s last renewal (leaseDuration {} ms)",
                    third.name(), ms(sinceKill), ms(sinceRenewal), second.name(), TIMINGS.leaseDuration().toMillis());
            pause(Duration.ofSeconds(1));
            timeline.action(Kind.STOP, third.name(), System.nanoTime());
            third.stop();
            Path picture = drawTimeline(cluster ? "the cluster at " + observer.getMasterUrl()
                    : "an embedded mock API server");

            String order = workLog.order();
            boolean interleaved = workLog.interleaved();
            System.out.println();
            System.out.println("=== camel-k8s-leader demo: summary ===");
            System.out.printf(Locale.ROOT, "first leader           %s, working %d ms after start%n", first.name(),
                    ms(firstElected));
            System.out.printf(Locale.ROOT, "graceful handover      %s -> %s in %d ms (lease released, follower's "
                                           + "watch saw it)%n", first.name(), second.name(), ms(handover));
            System.out.printf(Locale.ROOT, "crash take-over        %s -> %s in %d ms after the kill, %d ms after the "
                                           + "last renewal (leaseDuration %d ms)%n",
                    second.name(), third.name(), ms(sinceKill), ms(sinceRenewal), TIMINGS.leaseDuration().toMillis());
            System.out.printf(Locale.ROOT, "leader-only work       %s%n", order);
            System.out.printf(Locale.ROOT, "overlapping leaders    %s%n", interleaved ? "YES (bug!)" : "none");
            System.out.printf(Locale.ROOT, "timeline (SVG)         %s%n", picture);
            return interleaved ? 1 : 0;
        } finally {
            for (Pod pod : pods) {
                closeQuietly(pod);
            }
        }
    }

    /**
     * Starts one pod: this component with the demo's timings, a leader-only timer route under
     * {@link K8sLeaderRoutePolicy} that notes its work in the work log, and a route logging leadership events.
     */
    private Pod startPod(String name, String namespace) {
        Pod pod = newPod(name, clients.apply(name), namespace);
        return pod.routes(new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:work?period=250&delay=0&includeMetadata=true").routeId(WORK_ROUTE)
                        .routePolicy(new K8sLeaderRoutePolicy(leaseName))
                        .process(exchange -> workLog.record(name))
                        .filter(simple("${exchangeProperty.CamelTimerCounter} == 1"))
                            .log(LoggingLevel.INFO, "demo", name + " | leader-only route is working");

                from("k8s-leader:" + leaseName).routeId("leadership-events")
                        .log(LoggingLevel.INFO, "demo", name + " | ${header.CamelK8sLeaderEvent}"
                                                        + " holder=${header.CamelK8sLeaderHolderIdentity}"
                                                        + " transitions=${header.CamelK8sLeaderTransitions}");
            }
        }).start();
    }

    /** A pod with its own client, named as its identity, on the demo's timings in {@code namespace}. */
    static Pod newPod(String name, KubernetesClient client, String namespace) {
        Pod pod = new Pod(name, client).shutdownTimeout(Duration.ofSeconds(5));
        K8sLeaderConfiguration options
                = pod.context().getComponent(K8sLeaderConstants.SCHEME, K8sLeaderComponent.class).getConfiguration();
        options.setNamespace(namespace);
        options.setIdentity(name);
        options.setLeaseDuration(TIMINGS.leaseDuration());
        options.setRenewDeadline(TIMINGS.renewDeadline());
        options.setRetryPeriod(TIMINGS.retryPeriod());
        options.setRenewalInterval(TIMINGS.renewalInterval());
        return pod;
    }

    static void closeQuietly(Pod pod) {
        try {
            pod.close();
        } catch (RuntimeException e) {
            // best effort at exit
        }
    }

    /**
     * Notes each record of the Lease as it is seen, with its holder: the renewals are the reference point for
     * expiry, the holders the Lease's lane of the timeline.
     */
    private Watch watchRenewals(KubernetesClient observer) {
        return observer.leases().withName(leaseName).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Lease lease) {
                boolean held = action != Action.DELETED && lease.getSpec() != null;
                timeline.recordSeen(held ? lease.getSpec().getHolderIdentity() : "");
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        });
    }

    /** Writes the timeline of this run where {@code -Ddemo.timeline} says, and returns where that is. */
    private Path drawTimeline(String where) throws IOException {
        Path file = Path.of(System.getProperty("demo.timeline", "target/failover-timeline.svg")).toAbsolutePath();
        String conditions = String.format(Locale.ROOT, "FailoverDemo on %s, %s; leaseDuration / renewDeadline / "
                                                       + "retryPeriod / renewalInterval %s", where,
                ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")),
                TIMINGS.describe());
        FailoverTimeline drawn = timeline.timeline("camel-k8s-leader: a graceful handover, then a crash take-over",
                conditions, pods, WORK_ROUTE, System.nanoTime());
        Files.createDirectories(file.getParent());
        Files.writeString(file, FailoverTimelineSvg.render(drawn));
        return file;
    }

    /** Waits until a running pod's leader-only route has worked after {@code since}; returns that pod. */
    private Pod awaitWorkingLeader(long since) {
        await(() -> runningPodWorkingSince(since).isPresent(), "a leader whose route works");
        return runningPodWorkingSince(since).get();
    }

    private Optional<Pod> runningPodWorkingSince(long since) {
        return pods.stream().filter(Pod::isRunning).filter(p -> workLog.firstAfter(p.name(), since) > 0)
                .findFirst();
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Gave up waiting for " + what + " after " + STEP_TIMEOUT);
            }
            pause(Duration.ofMillis(2));
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}

package io.github.camelk8s.leader.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.Pods;
import io.github.camelk8s.leader.testsupport.FaultDispatcher.Rule;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.cluster.CamelPreemptiveClusterService;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;
import org.apache.camel.support.cluster.RebalancingCamelClusterService;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.github.camelk8s.leader.testsupport.FaultDispatcher.candidate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Twelve routes on twelve Leases ({@code ClusteredRoutePolicy.forNamespace}), spread evenly over the pods of a group:
 * by the service's own rebalancing, which follows members joining and leaving from the watch, and by Camel's
 * {@link RebalancingCamelClusterService} over the service's disable and enable. Timings 3 s / 2 s / 300 ms, renewals
 * every second; throughout
 * every test, no two pods lead one Lease at once (sampled every 200 µs).
 */
class RebalancingTest {

    private static final int LEASES = 12;
    private static final Duration RENEWAL_INTERVAL = Duration.ofSeconds(1);
    /**
     * How long a spread may take here. Not the targets (2 s after a graceful join or leave, leaseDuration + 2 s
     * after a crash): the benchmark measures those on a quiet machine, where a unit test must not assert a
     * wall-clock bound.
     */
    private static final Duration PATIENCE = Pods.PATIENCE;

    @RegisterExtension
    final Pods pods = new Pods();

    private final List<CamelPod> running = new CopyOnWriteArrayList<>();
    private final Map<String, K8sLeaderClusterService> services = new ConcurrentHashMap<>();
    private final AtomicBoolean sampling = new AtomicBoolean(true);
    private final List<String> overlaps = new ArrayList<>();
    private final AtomicLong samples = new AtomicLong();
    private final AtomicReference<Throwable> samplerFailure = new AtomicReference<>();
    private Thread sampler;

    private static String lease(int i) {
        return "tenant-" + i;
    }

    private CamelPod member(String name, boolean camelRebalancing) {
        K8sLeaderClusterService service = new K8sLeaderClusterService();
        service.setRebalancing(!camelRebalancing);
        CamelPod pod = pods.create(name).withoutStandardRoutes()
                // 13 Leases renewed by 3 or 4 pods, each write watched by all: renewing every second, not every
                // 300 ms, keeps a busy 2-core machine from missing renewDeadline
                .configure(options -> options.setRenewalInterval(RENEWAL_INTERVAL))
                .routes(new RouteBuilder() {
            @Override
            public void configure() throws Exception {
                for (int i = 0; i < LEASES; i++) {
                    from("timer:" + lease(i) + "?period=100").routeId(lease(i))
                            .routePolicy(ClusteredRoutePolicy.forNamespace(lease(i)))
                            .setBody(constant(name));
                }
            }
        });
        try {
            pod.context().addService(camelRebalancing ? new RebalancingCamelClusterService(service, 100) : service);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        services.put(name, service);
        return pod;
    }

    private CamelPod start(String name) {
        return start(name, false);
    }

    private CamelPod start(String name, boolean camelRebalancing) {
        CamelPod pod = member(name, camelRebalancing).start();
        running.add(pod);
        return pod;
    }

    /** The Leases each running pod's views lead now. */
    private Map<String, Integer> ledPerPod() {
        Map<String, Integer> led = new HashMap<>();
        for (CamelPod pod : running) {
            led.put(pod.name(), (int) IntStream.range(0, LEASES).filter(i -> leads(pod, lease(i))).count());
        }
        return led;
    }

    private boolean leads(CamelPod pod, String lease) {
        K8sLeaderClusterView view = services.get(pod.name()).startedView(lease);
        return view != null && view.getLocalMember().isLeader();
    }

    /** What each pod's service knows and decided, for a failure's message. */
    private String state() {
        StringBuilder state = new StringBuilder();
        for (CamelPod pod : running) {
            K8sLeaderClusterService service = services.get(pod.name());
            state.append(pod.name()).append(": members ")
                    .append(service.getMembership() == null ? "-" : service.getMembership().members())
                    .append(" (slot ").append(service.getMembership() == null ? "-" : service.getMembership().slot())
                    .append(")")
                    .append(", competing for ").append(IntStream.range(0, LEASES).mapToObj(RebalancingTest::lease)
                            .filter(l -> service.startedView(l) != null && service.startedView(l).isCandidate())
                            .toList())
                    .append(", leading ").append(IntStream.range(0, LEASES).mapToObj(RebalancingTest::lease)
                            .filter(l -> leads(pod, l)).toList())
                    .append('\n');
        }
        for (int i = 0; i < LEASES; i++) {
            state.append(lease(i)).append(" held by '").append(pods.api().lease(lease(i)) == null ? "(none)"
                    : pods.api().lease(lease(i)).getSpec().getHolderIdentity()).append("'; ");
        }
        pods.api().admin().leases().inNamespace(pods.api().namespace()).list().getItems().stream()
                .filter(l -> l.getMetadata().getName().contains("-member-"))
                .forEach(l -> state.append("\n").append(l.getMetadata().getName()).append(" held by '")
                        .append(l.getSpec().getHolderIdentity()).append("' renewed ")
                        .append(l.getSpec().getRenewTime()));
        return state.toString();
    }

    /** How many times the twelve Leases changed hands, by their leaseTransitions. */
    private int transitions() {
        return IntStream.range(0, LEASES).map(i -> pods.api().lease(lease(i)).getSpec().getLeaseTransitions()).sum();
    }

    private void awaitEvenSpread(Duration within, Integer... perPod) {
        List<Integer> expected = List.of(perPod).stream().sorted().toList();
        try {
            await("the Leases led per pod are " + expected).atMost(within).pollInterval(Duration.ofMillis(20))
                    .until(this::ledPerPod, led -> led.values().stream().sorted().toList().equals(expected));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\n" + state(), e);
        }
    }

    @BeforeEach
    void sampleLeaders() {
        sampler = new Thread(() -> {
            try {
                while (sampling.get()) {
                    sampleOnce();
                    LockSupport.parkNanos(200_000);
                }
            } catch (RuntimeException | Error e) {
                samplerFailure.set(e);
            }
        }, "leader-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void sampleOnce() {
        for (int i = 0; i < LEASES; i++) {
            String lease = lease(i);
            List<String> leaders = running.stream().filter(pod -> leads(pod, lease)).map(CamelPod::name).toList();
            if (leaders.size() > 1) {
                synchronized (overlaps) {
                    overlaps.add(lease + " led by " + leaders);
                }
            }
        }
        samples.incrementAndGet();
    }

    @AfterEach
    void noLeaseHadTwoLeaders() throws InterruptedException {
        sampling.set(false);
        sampler.join();
        assertThat(samplerFailure.get()).as("the sampler's failure").isNull();
        assertThat(samples.get()).as("samples taken").isPositive();
        assertThat(overlaps).as("samples in which two pods led one Lease").isEmpty();
    }

    @Test
    void threeMembersEachLeadFourOfTwelveLeases() {
        start("pod-a");
        awaitEvenSpread(PATIENCE, 12);
        start("pod-b");
        awaitEvenSpread(PATIENCE, 6, 6);

        start("pod-c");

        awaitEvenSpread(PATIENCE, 4, 4, 4);
    }

    @Test
    void aFourthMemberJoiningBringsEveryMemberToThree() {
        start("pod-a");
        start("pod-b");
        start("pod-c");
        awaitEvenSpread(PATIENCE, 4, 4, 4);

        start("pod-d");

        awaitEvenSpread(PATIENCE, 3, 3, 3, 3);
    }

    /** Four members leading three Leases each; returns the fourth. */
    private CamelPod fourMembersAtThreeEach() {
        start("pod-a");
        start("pod-b");
        start("pod-c");
        CamelPod d = start("pod-d");
        awaitEvenSpread(PATIENCE, 3, 3, 3, 3);
        return d;
    }

    @Test
    void aMemberStoppingGracefullyRestoresFourEach() {
        CamelPod d = fourMembersAtThreeEach();

        running.remove(d);
        d.stop();

        awaitEvenSpread(PATIENCE, 4, 4, 4);
    }

    /**
     * The others must see the member go before its Leases come free: while they still count it, the spread gives
     * it some of its own Leases, and nobody takes a Lease it releases until its slot's release arrives too. Here
     * the stop finds a renewal of its slot in flight, answered late, so that the slot's release comes late too.
     */
    @Test
    void aMemberStoppingGracefullyReleasesItsMemberSlotBeforeAnyOfItsLeases() {
        CamelPod d = fourMembersAtThreeEach();
        List<String> releasedByD = new CopyOnWriteArrayList<>();
        try (SharedIndexInformer<Lease> watch = pods.api().admin().leases().inNamespace(pods.api().namespace())
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Lease lease) {
                    }

                    @Override
                    public void onUpdate(Lease before, Lease after) {
                        if (d.name().equals(before.getSpec().getHolderIdentity())
                            && !d.name().equals(after.getSpec().getHolderIdentity())) {
                            releasedByD.add(after.getMetadata().getName());
                        }
                    }

                    @Override
                    public void onDelete(Lease lease, boolean unknown) {
                    }
                })) {
            Rule slowSlotWrites = pods.api().faults().delay(candidate(d.name()).and(
                    request -> request.method().equals("PUT") && request.path().contains("-member-")), 500, -1);
            await().atMost(PATIENCE).until(() -> slowSlotWrites.hits() > 0);
            running.remove(d);
            d.stop();

            awaitEvenSpread(PATIENCE, 4, 4, 4);
            await().atMost(PATIENCE).until(() -> releasedByD.size() == 4);
        }
        assertThat(releasedByD.get(0)).as("the first of %s", releasedByD).contains("-member-");
    }

    @Test
    void aMemberCrashingRestoresFourEachOnceItDropsOut() {
        CamelPod d = fourMembersAtThreeEach();

        running.remove(d);
        d.kill();

        awaitEvenSpread(PATIENCE, 4, 4, 4);
    }

    @Test
    void twoMembersJoiningAtOnceSettleOnAnEvenSpreadMovingEachLeaseOnce() {
        start("pod-a");
        start("pod-b");
        awaitEvenSpread(PATIENCE, 6, 6);
        int before = transitions();
        CamelPod c = member("pod-c", false);
        CamelPod d = member("pod-d", false);
        Thread other = new Thread(c::start);
        other.start();
        d.start();
        try {
            other.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        running.add(c);
        running.add(d);

        awaitEvenSpread(PATIENCE, 3, 3, 3, 3);
        assertThat(transitions() - before).as("Leases that changed hands, for six to move").isEqualTo(6);
    }

    @Test
    void camelsRebalancingClusterServiceOverThisServiceAlsoSpreadsTheLeases() {
        start("pod-a", true);
        start("pod-b", true);
        start("pod-c", true);

        awaitEvenSpread(PATIENCE, 4, 4, 4);
        assertThat(services.get("pod-a")).isInstanceOf(CamelPreemptiveClusterService.class);
    }
}

package io.github.camelk8s.leader.election;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.camelk8s.leader.testsupport.FaultDispatcher;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One pod leading many Leases through one factory costs a fixed number of threads and one watch connection per
 * namespace, however many Leases there are and however slow their listeners, and one sick Lease does not hold the
 * others up.
 */
class ManyLeasesTest {

    private static final int LEASES = 200;

    private final MockApiServer server = new MockApiServer();
    private final KubernetesClient client = server.newClient("pod-a");
    private final LeaseElectorFactory factory = new LeaseElectorFactory(client);

    @AfterEach
    void tearDown() {
        factory.close();
        client.close();
        server.close();
    }

    @Test
    void manyElectionsWithSlowListenersRunOnAFixedNumberOfThreadsAndOneWatch() {
        FaultDispatcher.Rule watches = server.faults().delay(
                FaultDispatcher.candidate("pod-a").and(FaultDispatcher.Request::isWatch), 0, -1);
        AtomicInteger elected = new AtomicInteger();
        List<LeaseElector> electors = new ArrayList<>();
        for (int i = 0; i < LEASES; i++) {
            LeaseElector elector = factory.create(LeaderElectionConfig.builder().namespace(MockApiServer.NAMESPACE)
                    .leaseName("lease-" + i).identity("pod-a").build());
            elector.addListener(new LeadershipListener() {
                @Override
                public void elected(LeaseRecord record) {
                    // a listener that takes its time, like a route that is slow to start
                    sleep(20);
                    elected.incrementAndGet();
                }
            });
            electors.add(elector);
        }
        electors.forEach(LeaseElector::start);

        await().atMost(Duration.ofSeconds(30)).until(() -> elected.get() == LEASES);

        assertThat(factory.largestThreadCount()).isLessThanOrEqualTo(LeaseElectorFactory.MAX_THREADS);
        assertThat(watches.hits()).isEqualTo(1);
        assertThat(electors).allMatch(LeaseElector::isLeader);
    }

    @Test
    void oneHangingLeaseDelaysNoOtherLeasesRenewalsFencingOrEvents() throws InterruptedException {
        CountDownLatch hangingListenerEntered = new CountDownLatch(1);
        CountDownLatch releaseHangingListener = new CountDownLatch(1);
        CountDownLatch otherLostDelivered = new CountDownLatch(1);
        AtomicInteger elected = new AtomicInteger();
        AtomicInteger lostElsewhere = new AtomicInteger();
        AtomicBoolean faulty = new AtomicBoolean();
        // the two Leases that fail get short timings, the other 198 the defaults (renewed every 2 s)
        UnaryOperator<LeaderElectionConfig.Builder> shortLease = b -> b.leaseDuration(Duration.ofSeconds(3))
                .renewDeadline(Duration.ofSeconds(2)).retryPeriod(Duration.ofMillis(500))
                .renewalInterval(Duration.ofMillis(500));
        List<LeaseElector> electors = new ArrayList<>();
        for (int i = 0; i < LEASES; i++) {
            int index = i;
            LeaderElectionConfig.Builder config = LeaderElectionConfig.builder().namespace(MockApiServer.NAMESPACE)
                    .leaseName("lease-" + i).identity("pod-a");
            LeaseElector elector = factory.create((i < 2 ? shortLease.apply(config) : config).build());
            elector.addListener(new LeadershipListener() {
                @Override
                public void elected(LeaseRecord record) {
                    elected.incrementAndGet();
                }

                @Override
                public void lost(LeaseRecord lastKnown) {
                    if (!faulty.get()) {
                        return;
                    }
                    if (index == 0) {
                        // a listener that never finishes, like a route stop waiting for an exchange that hangs
                        hangingListenerEntered.countDown();
                        block(releaseHangingListener);
                    } else if (index == 1) {
                        otherLostDelivered.countDown();
                    } else {
                        lostElsewhere.incrementAndGet();
                    }
                }
            });
            electors.add(elector);
        }
        electors.forEach(LeaseElector::start);
        await().atMost(Duration.ofSeconds(30)).until(() -> elected.get() >= LEASES);
        await().atMost(Duration.ofSeconds(30)).until(() -> electors.stream().allMatch(LeaseElector::isLeader));
        long[] renewedBefore = electors.stream().mapToLong(LeaseElector::lastRenewedNanos).toArray();
        faulty.set(true);

        // every request on lease-0 hangs, again and again
        server.faults().hang(r -> r.path().endsWith("/leases/lease-0"), -1);

        // fencing: its deadline timer ends its leadership although none of its renewals ever returns
        assertThat(hangingListenerEntered.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(electors.get(0).isLeader()).isFalse();
        // events: another Lease's LOST is delivered while lease-0's listener is still stuck
        server.faults().failWith(r -> r.path().endsWith("/leases/lease-1") && r.isLeaseWrite(), 503, -1);
        assertThat(otherLostDelivered.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(releaseHangingListener.getCount()).isOne();
        // renewals: every other Lease keeps renewing on the API threads the hanging calls leave free
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(IntStream.range(2, LEASES)
                .filter(i -> electors.get(i).lastRenewedNanos() == renewedBefore[i]).mapToObj(electors::get))
                .as("Leases not renewed since lease-0 began to hang").isEmpty());
        assertThat(electors.subList(2, LEASES)).allMatch(LeaseElector::isLeader);
        assertThat(lostElsewhere).hasValue(0);
        releaseHangingListener.countDown();
    }

    private static void block(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void oneElectionKeepsAtMostOneThreadPerPoolBusyBetweenRenewals() {
        LeaseElector elector = factory.create(LeaderElectionConfig.builder().namespace(MockApiServer.NAMESPACE)
                .leaseName("solo").identity("pod-a").renewalInterval(Duration.ofMillis(200)).build());
        elector.start();
        await().until(elector::isLeader);
        long renewedAt = elector.lastRenewedNanos();
        await().until(() -> elector.lastRenewedNanos() - renewedAt > Duration.ofSeconds(1).toNanos());

        // the timer, and an API thread reused for every renewal instead of a new one each time up to four
        assertThat(factory.threadCount()).isLessThanOrEqualTo(1 + 2 + 1);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

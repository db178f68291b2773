package io.github.camelk8s.leader.election;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.camelk8s.leader.testsupport.FaultDispatcher;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One pod leading many Leases through one factory costs a fixed number of threads and one watch connection per
 * namespace, however many Leases there are and however slow their listeners.
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

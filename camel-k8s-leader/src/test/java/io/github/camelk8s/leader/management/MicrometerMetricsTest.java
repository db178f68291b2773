package io.github.camelk8s.leader.management;

import java.util.List;
import java.util.concurrent.Callable;

import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.Pods;
import io.github.camelk8s.leader.testsupport.FaultDispatcher;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** With a MeterRegistry in the Camel registry, each elector publishes its gauge and counters. */
class MicrometerMetricsTest {

    @RegisterExtension
    final Pods pods = new Pods();

    /** A pod whose CamelContext has its own MeterRegistry, bound under camel-micrometer's name. */
    private CamelPod meteredPod(String name) {
        return meteredPod(name, new SimpleMeterRegistry());
    }

    private CamelPod meteredPod(String name, MeterRegistry registry) {
        CamelPod pod = pods.create(name);
        pod.context().getRegistry().bind("metricsRegistry", registry);
        return pod.start();
    }

    /** Two metered pods, once one of them leads. */
    private record Elected(CamelPod leader, CamelPod follower) {
    }

    private Elected electTwo() {
        List<CamelPod> all = List.of(meteredPod("pod-a"), meteredPod("pod-b"));
        CamelPod leader = Pods.awaitSingleLeader(all);
        return new Elected(leader, all.get(0) == leader ? all.get(1) : all.get(0));
    }

    /** Fails every API call of {@code leader} until {@code done}: it steps down, and the other pod takes over. */
    private void cutOffUntil(CamelPod leader, Callable<Boolean> done) {
        var outage = pods.faults().failWith(FaultDispatcher.candidate(leader.name()), 503, -1);
        await().atMost(Pods.PATIENCE).until(done);
        pods.faults().remove(outage);
    }

    private static List<String> tags(Meter meter) {
        return meter.getId().getTags().stream().map(t -> t.getKey() + "=" + t.getValue()).toList();
    }

    private static MeterRegistry registry(CamelPod pod) {
        return pod.context().getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
    }

    private static Gauge isLeader(CamelPod pod) {
        return registry(pod).find("k8s.leader.is.leader").tag("lease", CamelPod.LEASE).tag("namespace", "test")
                .gauge();
    }

    /** client-go's gauge, whose one label names the Lease as {@code <namespace>/<lease>}. */
    private static Gauge masterStatus(CamelPod pod) {
        return registry(pod).find("leader_election_master_status").tag("name", "test/" + CamelPod.LEASE).gauge();
    }

    private static double counter(CamelPod pod, String name) {
        FunctionCounter counter = registry(pod).find(name).tag("lease", CamelPod.LEASE).functionCounter();
        return counter == null ? -1 : counter.count();
    }

    @Test
    void theIsLeaderGaugeIsOneInTheLeaderAndZeroInTheFollower() {
        Elected elected = electTwo();
        CamelPod leader = elected.leader();
        CamelPod follower = elected.follower();

        assertThat(isLeader(leader).value()).isEqualTo(1.0);
        assertThat(isLeader(follower).value()).isEqualTo(0.0);
        assertThat(counter(leader, "k8s.leader.acquisitions")).isEqualTo(1.0);
        assertThat(counter(follower, "k8s.leader.acquisitions")).isZero();
        // what Prometheus calls them
        assertThat(NamingConvention.snakeCase.name(isLeader(leader).getId().getName(), Meter.Type.GAUGE))
                .isEqualTo("k8s_leader_is_leader");
        assertThat(tags(isLeader(leader))).containsExactlyInAnyOrder("lease=lease", "namespace=test");
    }

    @Test
    void clientGosMasterStatusGaugeIsOneInTheLeaderAndZeroInTheFollower() {
        Elected elected = electTwo();

        assertThat(masterStatus(elected.leader()).value()).isEqualTo(1.0);
        assertThat(masterStatus(elected.follower()).value()).isEqualTo(0.0);
        assertThat(tags(masterStatus(elected.leader()))).containsExactly("name=test/lease");
    }

    @Test
    void clientGosMasterStatusGaugeMovesWithTheLeadership() {
        Elected elected = electTwo();
        CamelPod leader = elected.leader();
        CamelPod follower = elected.follower();

        cutOffUntil(leader, () -> masterStatus(follower).value() == 1.0);

        assertThat(masterStatus(leader).value()).as("the old leader, past its renewDeadline").isZero();
    }

    @Test
    void prometheusScrapesClientGosGaugeUnderItsOwnNameAndLabel() {
        CamelPod pod = meteredPod("pod-a", new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        await().atMost(Pods.PATIENCE).until(pod::isLeader);

        String scrape = ((PrometheusMeterRegistry) registry(pod)).scrape();

        assertThat(scrape).contains("# TYPE leader_election_master_status gauge",
                "leader_election_master_status{name=\"test/lease\"} 1.0");
    }

    @Test
    void countersFollowTheElection() {
        Elected elected = electTwo();
        CamelPod leader = elected.leader();
        CamelPod follower = elected.follower();

        cutOffUntil(leader, follower::isLeader);

        assertThat(counter(leader, "k8s.leader.losses")).isEqualTo(1.0);
        assertThat(counter(leader, "k8s.leader.errors")).isPositive();
        assertThat(counter(follower, "k8s.leader.acquisitions")).isEqualTo(1.0);
        assertThat(counter(leader, "k8s.leader.conflicts")).isGreaterThanOrEqualTo(0.0);
        await().atMost(Pods.PATIENCE).until(() -> isLeader(follower).value() == 1.0);
        assertThat(isLeader(leader).value()).isZero();
        assertThat(registry(follower).find("k8s.leader.lease.transitions").gauge().value()).isEqualTo(1.0);
    }

    @Test
    void theMetersAreRemovedWhenTheElectorStops() {
        CamelPod pod = meteredPod("pod-a");
        await().atMost(Pods.PATIENCE).until(pod::isLeader);
        assertThat(isLeader(pod)).isNotNull();
        MeterRegistry registry = registry(pod);

        pod.stop();

        assertThat(registry.find("k8s.leader.is.leader").gauge()).isNull();
        assertThat(registry.find("leader_election_master_status").gauge()).isNull();
        assertThat(registry.find("k8s.leader.acquisitions").functionCounter()).isNull();
    }
}

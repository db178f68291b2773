package io.github.camelk8s.leader.management;

import java.util.List;

import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.Pods;
import io.github.camelk8s.leader.testsupport.FaultDispatcher;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
        CamelPod pod = pods.create(name);
        pod.context().getRegistry().bind("metricsRegistry", new SimpleMeterRegistry());
        return pod.start();
    }

    private static MeterRegistry registry(CamelPod pod) {
        return pod.context().getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
    }

    private static Gauge isLeader(CamelPod pod) {
        return registry(pod).find("k8s.leader.is.leader").tag("lease", CamelPod.LEASE).tag("namespace", "test")
                .gauge();
    }

    private static double counter(CamelPod pod, String name) {
        FunctionCounter counter = registry(pod).find(name).tag("lease", CamelPod.LEASE).functionCounter();
        return counter == null ? -1 : counter.count();
    }

    @Test
    void theIsLeaderGaugeIsOneInTheLeaderAndZeroInTheFollower() {
        List<CamelPod> all = List.of(meteredPod("pod-a"), meteredPod("pod-b"));
        CamelPod leader = Pods.awaitSingleLeader(all);
        CamelPod follower = all.get(0) == leader ? all.get(1) : all.get(0);

        assertThat(isLeader(leader).value()).isEqualTo(1.0);
        assertThat(isLeader(follower).value()).isEqualTo(0.0);
        assertThat(counter(leader, "k8s.leader.acquisitions")).isEqualTo(1.0);
        assertThat(counter(follower, "k8s.leader.acquisitions")).isZero();
        // what Prometheus calls them
        Meter.Id gauge = isLeader(leader).getId();
        assertThat(NamingConvention.snakeCase.name(gauge.getName(), Meter.Type.GAUGE))
                .isEqualTo("k8s_leader_is_leader");
        assertThat(gauge.getTags()).extracting(t -> t.getKey() + "=" + t.getValue())
                .containsExactlyInAnyOrder("lease=lease", "namespace=test");
    }

    @Test
    void countersFollowTheElection() {
        List<CamelPod> all = List.of(meteredPod("pod-a"), meteredPod("pod-b"));
        CamelPod leader = Pods.awaitSingleLeader(all);
        CamelPod follower = all.get(0) == leader ? all.get(1) : all.get(0);

        var outage = pods.faults().failWith(FaultDispatcher.candidate(leader.name()), 503, -1);
        await().atMost(Pods.PATIENCE).until(follower::isLeader);
        pods.faults().remove(outage);

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
        assertThat(registry.find("k8s.leader.acquisitions").functionCounter()).isNull();
    }
}

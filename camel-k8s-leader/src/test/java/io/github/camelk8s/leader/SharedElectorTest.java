package io.github.camelk8s.leader;

import java.time.Duration;
import java.time.ZonedDateTime;

import io.github.camelk8s.leader.election.LeaseElector;
import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.Pods;
import io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** One elector per Lease per CamelContext, shared by its consumers and policies. */
class SharedElectorTest {

    @RegisterExtension
    final Pods pods = new Pods();

    @Test
    void consumerAndPolicyOnOneLeaseShareOneElector() {
        CamelPod pod = pods.start("pod-a");
        await().atMost(Pods.PATIENCE).until(pod::isLeader);

        K8sLeaderConsumer consumer = (K8sLeaderConsumer) pod.context().getRoute(CamelPod.EVENTS_ROUTE).getConsumer();
        assertThat(consumer.elector()).isNotNull().isSameAs(pod.policy().elector());
    }

    @Test
    void aSecondUserOfTheLeaseWithOtherOptionsFailsTheStartNamingBothSets() {
        K8sLeaderRoutePolicy longer = new K8sLeaderRoutePolicy(CamelPod.LEASE);
        longer.setLeaseDuration("20s");
        CamelPod pod = pods.create("pod-a").withoutWorkRoute().routes(new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:other?period=1000").routeId("other").routePolicy(longer).log("work");
            }
        });

        assertThatThrownBy(pod::start).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is already in use in this CamelContext")
                .hasMessageContaining("(leaseDuration=3000ms,").hasMessageContaining("(leaseDuration=20000ms,");
    }

    @Test
    void theApiSeesOneCandidateRenewingAtTheRenewalInterval() {
        CamelPod pod = pods.start("pod-a");
        await().atMost(Pods.PATIENCE).until(pod::isLeader);
        int before = pods.leaseWritesBy("pod-a").size();

        Duration window = CamelPod.RENEWAL_INTERVAL.multipliedBy(10);
        await().pollDelay(window).until(() -> true);

        int renewals = pods.leaseWritesBy("pod-a").size() - before;
        // one elector renews at most once per renewalInterval; two would renew about twice as often
        assertThat(renewals).isBetween(1, 12);
        assertThat(pods.lease().getSpec().getHolderIdentity()).isEqualTo("pod-a");
    }

    @Test
    void stoppingTheEventRouteDoesNotStopTheElectionThePolicyStillUses() throws Exception {
        CamelPod pod = pods.start("pod-a");
        await().atMost(Pods.PATIENCE).until(() -> pod.isLeader() && pod.workStatus() == ServiceStatus.Started);
        LeaseElector elector = pod.policy().elector();

        pod.context().getRouteController().stopRoute(CamelPod.EVENTS_ROUTE);

        ZonedDateTime renewedBefore = pods.lease().getSpec().getRenewTime();
        int workBefore = pod.work().size();
        await().during(CamelPod.RENEW_DEADLINE).atMost(CamelPod.RENEW_DEADLINE.multipliedBy(2))
                .until(() -> elector.state() == LeaseElector.State.LEADER && pod.isLeader());
        assertThat(pod.policy().elector()).isSameAs(elector);
        assertThat(pods.lease().getSpec().getRenewTime()).isAfter(renewedBefore);
        assertThat(pod.work().size()).isGreaterThan(workBefore);
        assertThat(pod.workStatus()).isEqualTo(ServiceStatus.Started);
    }
}

package io.github.camelk8s.leader.policy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.camelk8s.leader.K8sLeaderConstants;
import io.github.camelk8s.leader.LeadershipLostException;
import io.github.camelk8s.leader.election.LeadershipListener;
import io.github.camelk8s.leader.election.LeaseRecord;
import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.FaultyClock;
import io.github.camelk8s.leader.pods.Pods;
import io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy;
import io.github.camelk8s.leader.testsupport.FaultDispatcher;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.github.camelk8s.leader.LeadershipEventType.LOST;
import static io.github.camelk8s.leader.testsupport.FaultDispatcher.candidate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@link K8sLeaderRoutePolicy}: its routes run in the leader only. */
class LeaderRoutePolicyTest {

    @RegisterExtension
    final Pods pods = new Pods();

    @Test
    void leaderOnlyRouteIsStartedInTheLeaderAndStoppedInTheFollowers() {
        List<CamelPod> all = pods.start("pod-a", "pod-b", "pod-c");
        CamelPod leader = Pods.awaitSingleLeader(all);

        await().atMost(Pods.PATIENCE).untilAsserted(() -> {
            assertThat(leader.workStatus()).isEqualTo(ServiceStatus.Started);
            for (CamelPod pod : all) {
                if (pod != leader) {
                    assertThat(pod.workStatus()).as(pod.name()).isEqualTo(ServiceStatus.Stopped);
                    assertThat(pod.routeStatus(CamelPod.EVENTS_ROUTE)).as(pod.name())
                            .isEqualTo(ServiceStatus.Started);
                }
            }
        });
    }

    @Test
    void onlyTheLeaderProcessesExchangesOfTheLeaderOnlyRoute() {
        List<CamelPod> all = pods.start("pod-a", "pod-b", "pod-c");
        CamelPod leader = Pods.awaitSingleLeader(all);

        await().atMost(Pods.PATIENCE).until(() -> leader.work().size() >= 20);

        for (CamelPod pod : all) {
            if (pod != leader) {
                assertThat(pod.work()).as(pod.name()).isEmpty();
            }
        }
    }

    @Test
    void removingThePolicysLastRouteLeavesTheElection() throws Exception {
        CamelPod leader = pods.create("pod-a").withoutEventRoute().start();
        await().atMost(Pods.PATIENCE).until(leader::isLeader);
        CamelPod follower = pods.create("pod-b").withoutEventRoute().start();

        leader.context().getRouteController().stopRoute(CamelPod.WORK_ROUTE);
        leader.context().removeRoute(CamelPod.WORK_ROUTE);

        // a policy with no route left has nothing to lead for: it leaves, which releases the Lease
        assertThat(leader.policy().isLeader()).isFalse();
        await().atMost(Pods.PATIENCE).until(follower::isLeader);
        assertThat(pods.lease().getSpec().getHolderIdentity()).isEqualTo("pod-b");
    }

    @Test
    void leaderOnlyRouteDoesNotStartWithTheContextOfAFollower() {
        CamelPod leader = pods.start("pod-a");
        await().atMost(Pods.PATIENCE).until(leader::isLeader);

        CamelPod follower = pods.start("pod-b");

        await().atMost(Pods.PATIENCE).until(() -> !follower.events().isEmpty());
        assertThat(follower.workStatus()).isEqualTo(ServiceStatus.Stopped);
        assertThat(follower.routeChanges()).noneMatch(c -> c.routeId().equals(CamelPod.WORK_ROUTE));
        assertThat(follower.work()).isEmpty();
    }

    @Test
    void exchangeThatBeginsAfterLeadershipLapsedLocallyIsRefusedWithoutRunning() {
        FaultyClock clock = new FaultyClock();
        List<String> processed = new CopyOnWriteArrayList<>();
        CamelPod pod = pods.create("pod-a").component(c -> c.setElectionClock(clock));
        pod.routes(new RouteBuilder() {
            @Override
            public void configure() {
                // the refusal must hold whatever error handler the route has: the default one, none, or one that
                // redelivers (and so would run the route's first step again after a failure)
                from("direct:default").routeId("default").routePolicy(pod.policy())
                        .process(e -> processed.add("default: " + e.getIn().getBody()))
                        .process(e -> processed.add("default, second step: " + e.getIn().getBody()));
                from("direct:none").routeId("none").routePolicy(pod.policy()).errorHandler(noErrorHandler())
                        .process(e -> processed.add("none: " + e.getIn().getBody()));
                from("direct:redelivering").routeId("redelivering").routePolicy(pod.policy())
                        .errorHandler(defaultErrorHandler().maximumRedeliveries(2).redeliveryDelay(0))
                        .process(e -> processed.add("redelivering: " + e.getIn().getBody()));
            }
        }).start();
        List<String> routes = List.of("default", "none", "redelivering");
        await().atMost(Pods.PATIENCE).until(() -> pod.isLeader()
                                                  && routes.stream().allMatch(
                                                          r -> pod.routeStatus(r) == ServiceStatus.Started));
        ProducerTemplate template = pod.context().createProducerTemplate();
        for (String route : routes) {
            assertThat(template.send("direct:" + route, e -> e.getIn().setBody("valid")).getException()).isNull();
        }
        processed.clear();

        // the pod "pauses" past renewDeadline: no renewal gets through, and its monotonic clock jumps ahead
        FaultDispatcher.Rule stuck = pods.faults().hang(candidate("pod-a").and(FaultDispatcher.Request::isLeaseWrite),
                -1);
        await().atMost(Pods.PATIENCE).until(() -> stuck.hits() > 0);
        clock.jump(CamelPod.RENEW_DEADLINE.plusMillis(100));

        for (String route : routes) {
            Exchange refused = template.send("direct:" + route, e -> e.getIn().setBody("after the pause"));
            assertThat(refused.getException()).as(route).isInstanceOf(LeadershipLostException.class)
                    .hasMessageContaining(route).hasMessageContaining(CamelPod.LEASE);
        }
        assertThat(processed).isEmpty();
    }

    @Test
    void exchangeInFlightWhenLeadershipLapsesDoesNotGoOnToItsNextStep() throws Exception {
        assertInFlightExchangeStopsAfterItsStep(false);
    }

    @Test
    void exchangeInFlightWhenLeadershipLapsesIsNotRedeliveredIntoItsNextStep() throws Exception {
        assertInFlightExchangeStopsAfterItsStep(true);
    }

    /**
     * A pause strikes while the first step runs and outlasts renewDeadline (another pod may lead by now): the
     * first step finishes, as nothing can stop code already running, but the exchange must not go on.
     */
    private void assertInFlightExchangeStopsAfterItsStep(boolean redelivering) throws Exception {
        FaultyClock clock = new FaultyClock();
        CountDownLatch inFirstStep = new CountDownLatch(1);
        CountDownLatch pauseOver = new CountDownLatch(1);
        List<String> processed = new CopyOnWriteArrayList<>();
        CamelPod pod = pods.create("pod-a").component(c -> c.setElectionClock(clock));
        pod.routes(new RouteBuilder() {
            @Override
            public void configure() {
                if (redelivering) {
                    errorHandler(defaultErrorHandler().maximumRedeliveries(2).redeliveryDelay(0));
                }
                from("direct:steps").routeId("steps").routePolicy(pod.policy())
                        .process(e -> {
                            processed.add("first");
                            inFirstStep.countDown();
                            pauseOver.await();
                        })
                        .process(e -> processed.add("second"))
                        .process(e -> processed.add("third"));
            }
        }).start();
        await().atMost(Pods.PATIENCE).until(() -> pod.isLeader() && pod.routeStatus("steps") == ServiceStatus.Started);
        FaultDispatcher.Rule stuck = pods.faults().hang(candidate("pod-a").and(FaultDispatcher.Request::isLeaseWrite),
                -1);
        await().atMost(Pods.PATIENCE).until(() -> stuck.hits() > 0);
        Future<Exchange> sent = pod.context().createProducerTemplate()
                .asyncSend("direct:steps", e -> e.getIn().setBody("work"));
        assertThat(inFirstStep.await(10, TimeUnit.SECONDS)).isTrue();

        clock.jump(CamelPod.RENEW_DEADLINE.plusMillis(100));
        pauseOver.countDown();

        Exchange exchange = sent.get(10, TimeUnit.SECONDS);
        assertThat(processed).containsExactly("first");
        assertThat(exchange.getException()).isInstanceOf(LeadershipLostException.class)
                .hasMessageContaining("steps").hasMessageContaining(CamelPod.LEASE);
    }

    @Test
    void routeCallingARefusingLeaderOnlyRouteHandlesTheRefusalAndGoesOn() {
        FaultyClock clock = new FaultyClock();
        List<String> processed = new CopyOnWriteArrayList<>();
        CamelPod pod = pods.create("pod-a").component(c -> c.setElectionClock(clock));
        pod.routes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:guarded").routeId("guarded").routePolicy(pod.policy())
                        .process(e -> processed.add("guarded"));
                from("direct:caller").routeId("caller")
                        .doTry()
                            .to("direct:guarded")
                        .doCatch(LeadershipLostException.class)
                            .process(e -> processed.add("caught"))
                        .end()
                        .process(e -> processed.add("after"));
            }
        }).start();
        await().atMost(Pods.PATIENCE)
                .until(() -> pod.isLeader() && pod.routeStatus("guarded") == ServiceStatus.Started);
        FaultDispatcher.Rule stuck = pods.faults().hang(candidate("pod-a").and(FaultDispatcher.Request::isLeaseWrite),
                -1);
        await().atMost(Pods.PATIENCE).until(() -> stuck.hits() > 0);
        clock.jump(CamelPod.RENEW_DEADLINE.plusMillis(100));

        Exchange exchange = pod.context().createProducerTemplate().send("direct:caller", e -> e.getIn().setBody("x"));

        assertThat(exchange.getException()).isNull();
        assertThat(processed).containsExactly("caught", "after");
    }

    @Test
    void leaderThatPausedPastRenewDeadlineStepsDownAndStopsItsRoutes() {
        FaultyClock clock = new FaultyClock();
        CamelPod pod = pods.create("pod-a").component(c -> c.setElectionClock(clock)).start();
        await().atMost(Pods.PATIENCE).until(() -> pod.isLeader() && pod.workStatus() == ServiceStatus.Started);
        FaultDispatcher.Rule stuck = pods.faults().hang(candidate("pod-a").and(FaultDispatcher.Request::isLeaseWrite),
                -1);
        await().atMost(Pods.PATIENCE).until(() -> stuck.hits() > 0);

        clock.jump(CamelPod.RENEW_DEADLINE.plusMillis(100));

        assertThat(pod.isLeader()).isFalse();
        await().atMost(Pods.PATIENCE).untilAsserted(() -> {
            assertThat(pod.events(LOST)).hasSize(1);
            assertThat(pod.workStatus()).isEqualTo(ServiceStatus.Stopped);
        });
    }

    /**
     * Two Leases lose leadership while an exchange that does not end is in flight on each, and then a third one:
     * the stops of the first two routes wait for their exchanges, but not on the event threads that every Lease of
     * the client shares, so the third Lease's LOST still arrives.
     */
    @Test
    void routeStopWaitingForAnExchangeInFlightDoesNotHoldTheEventsOfOtherLeases() throws Exception {
        CountDownLatch inFlight = new CountDownLatch(2);
        CountDownLatch endOfTest = new CountDownLatch(1);
        List<String> quickEvents = new CopyOnWriteArrayList<>();
        List<K8sLeaderRoutePolicy> slow = List.of(new K8sLeaderRoutePolicy("slow-1"),
                new K8sLeaderRoutePolicy("slow-2"));
        CamelPod pod = pods.create("pod-a").withoutStandardRoutes().routes(new RouteBuilder() {
            @Override
            public void configure() {
                for (K8sLeaderRoutePolicy policy : slow) {
                    from("timer:" + policy.getLeaseName() + "?repeatCount=1&delay=0").routeId(policy.getLeaseName())
                            .routePolicy(policy)
                            .process(e -> {
                                inFlight.countDown();
                                endOfTest.await();
                            });
                }
                from("k8s-leader:quick").routeId("quick")
                        .process(e -> quickEvents.add(e.getIn().getHeader(K8sLeaderConstants.EVENT, String.class)));
            }
        }).start();
        try {
            await().atMost(Pods.PATIENCE).until(() -> inFlight.getCount() == 0 && quickEvents.contains("ELECTED"));
            List<String> slowLosses = new CopyOnWriteArrayList<>();
            for (K8sLeaderRoutePolicy policy : slow) {
                policy.elector().addListener(new LeadershipListener() {
                    @Override
                    public void lost(LeaseRecord lastKnown) {
                        slowLosses.add(policy.getLeaseName());
                    }
                });
                policy.elector().yieldLeadership(Duration.ofMinutes(1));
            }
            await().atMost(Pods.PATIENCE).until(() -> slowLosses.size() == 2);

            pod.component().findElection(MockApiServer.NAMESPACE, "quick").yieldLeadership(Duration.ofMinutes(1));

            await().atMost(Pods.PATIENCE).until(() -> quickEvents.contains("LOST"));
            for (K8sLeaderRoutePolicy policy : slow) {
                assertThat(pod.routeStatus(policy.getLeaseName())).as("%s, still stopping", policy.getLeaseName())
                        .isNotEqualTo(ServiceStatus.Stopped);
            }
        } finally {
            endOfTest.countDown();
        }
    }

    @Test
    void leaderOnlyRouteAddedToTheRunningContextOfTheLeaderStarts() throws Exception {
        CamelPod leader = pods.create("pod-a").withoutEventRoute().start();
        await().atMost(Pods.PATIENCE).until(() -> leader.isLeader() && leader.workStatus() == ServiceStatus.Started);
        List<String> processed = new CopyOnWriteArrayList<>();

        leader.context().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:late?repeatCount=1&delay=0").routeId("late")
                        .routePolicy(new K8sLeaderRoutePolicy(CamelPod.LEASE)).process(e -> processed.add("late"));
            }
        });

        await().atMost(Pods.PATIENCE).until(() -> leader.routeStatus("late") == ServiceStatus.Started);
        await().atMost(Pods.PATIENCE).until(() -> processed.contains("late"));
    }
}

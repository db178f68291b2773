package io.github.camelk8s.leader.policy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.github.camelk8s.leader.LeadershipLostException;
import io.github.camelk8s.leader.election.LeadershipListener;
import io.github.camelk8s.leader.election.LeaseElector;
import io.github.camelk8s.leader.election.LeaseRecord;
import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.FaultyClock;
import io.github.camelk8s.leader.pods.Pods;
import io.github.camelk8s.leader.pods.StepRecorder;
import io.github.camelk8s.leader.testsupport.FaultDispatcher;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.errorhandler.DefaultErrorHandlerDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.github.camelk8s.leader.pods.CamelPod.RENEW_DEADLINE;
import static io.github.camelk8s.leader.testsupport.FaultDispatcher.candidate;
import static org.apache.camel.builder.Builder.constant;
import static org.apache.camel.builder.Builder.method;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every step of a leader-only exchange, at any depth and in the routes it calls, begins only while the pod's
 * leadership is valid. A leader is cut off from the API server while such an exchange is in flight, and its clock
 * jumps past renewDeadline while one of the exchange's steps runs (a pause): that step finishes, but no further
 * step begins by the elector's own clock, and the exchange is refused with {@link LeadershipLostException}.
 */
class LeaderOnlyStepsTest {

    private static final String LEASE_REF = MockApiServer.NAMESPACE + "/" + CamelPod.LEASE;

    @RegisterExtension
    final Pods pods = new Pods();
    /** The faults that cut the leader off. */
    private final List<FaultDispatcher.Rule> cut = new CopyOnWriteArrayList<>();

    /** A pod whose leader-only route "work" records its steps on the pod's own election clock. */
    private record StepPod(CamelPod camel, FaultyClock clock, StepRecorder steps,
                           List<LeadershipLostException> refusals, AtomicLong lostAt) {
        LeaseElector elector() {
            return camel.policy().elector();
        }
    }

    // ---- the scenarios: three pods, the leader cut off mid-exchange ------------------------------------

    @Test
    void noNestedStepOfASplitBeginsAfterTheCutOffLeadersValidityLapsed() throws Exception {
        assertNoStepBeginsAfterTheCutOffLeadersValidity((routes, pod) -> work(routes, pod)
                .split(constant(items(10)))
                    .process(pod.steps().step("item")).delay(300).id("pause").process(pod.steps().step("after"))
                .end(), "work");
    }

    @Test
    void noStepOfALoopInACalledRouteBeginsAfterTheCutOffLeadersValidityLapsed() throws Exception {
        assertNoStepBeginsAfterTheCutOffLeadersValidity((routes, pod) -> {
            work(routes, pod).to("direct:sub");
            recordRefusals(routes.from("direct:sub").routeId("sub"), pod)
                    .loop(10)
                        .process(pod.steps().step("item")).delay(300).id("pause").process(pod.steps().step("after"))
                    .end();
        }, "sub");
    }

    /** The fourth item is held (item, after, item, after, item, after, item) while the leader is cut off. */
    private void assertNoStepBeginsAfterTheCutOffLeadersValidity(BiConsumer<RouteBuilder, StepPod> routes,
                                                                 String refusingRoute) throws Exception {
        StepPod leader = startLeader("pod-a", 7, routes);
        List<StepPod> others = List.of(start("pod-b", 0, routes), start("pod-c", 0, routes));

        long validityEnd = cutOffAndPause(leader);

        assertRefusedAfterTheHeldStep(leader, validityEnd, refusingRoute, "pause", "item", "after", "item", "after",
                "item", "after", "item");
        CamelPod nextLeader = Pods.awaitSingleLeader(others.stream().map(StepPod::camel).toList());
        StepPod next = others.stream().filter(pod -> pod.camel() == nextLeader).findFirst().orElseThrow();
        awaitCondition(() -> !next.steps().steps().isEmpty());
        long lastOfTheOldLeader = leader.steps().steps().get(leader.steps().steps().size() - 1).nanos();
        assertThat(next.steps().steps().get(0).nanos()).as("the new leader's first step")
                .isGreaterThan(lastOfTheOldLeader);
    }

    // ---- the other shapes, on one pod ----------------------------------------------------------------------------

    static Stream<Arguments> shapes() {
        BiConsumer<RouteBuilder, StepPod> multicast = (routes, pod) -> work(routes, pod)
                .multicast()
                    .pipeline()
                        .process(pod.steps().step("item")).delay(50).id("pause").process(pod.steps().step("after"))
                    .end()
                    .pipeline().process(pod.steps().step("other branch")).end()
                .end();
        BiConsumer<RouteBuilder, StepPod> choice = (routes, pod) -> work(routes, pod)
                .choice()
                    .when(constant(true))
                        .process(pod.steps().step("item")).delay(50).id("pause").process(pod.steps().step("after"))
                .end();
        // an error handler does not apply inside doTry: the refusal is caught there
        BiConsumer<RouteBuilder, StepPod> doTry = (routes, pod) -> work(routes, pod)
                .doTry()
                    .process(pod.steps().step("item")).delay(50).id("pause").process(pod.steps().step("after"))
                .endDoTry()
                .doCatch(IOException.class)
                    .process(pod.steps().step("other catch"))
                .doCatch(LeadershipLostException.class)
                    .process(e -> pod.refusals().add(caught(e)))
                .end();
        BiConsumer<RouteBuilder, StepPod> filter = (routes, pod) -> work(routes, pod)
                .filter(constant(true))
                    .process(pod.steps().step("item")).delay(50).id("pause").process(pod.steps().step("after"))
                .end();
        BiConsumer<RouteBuilder, StepPod> seda = (routes, pod) -> {
            work(routes, pod).to("seda:sub");
            recordRefusals(routes.from("seda:sub").routeId("sub"), pod)
                    .process(pod.steps().step("item")).delay(50).id("pause").process(pod.steps().step("after"));
        };
        return Stream.of(arguments("multicast", multicast, "work"), arguments("choice", choice, "work"),
                arguments("doTry", doTry, "work"), arguments("filter", filter, "work"),
                arguments("seda", seda, "sub"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void noStepBeginsAfterValidityLapsedMidExchange(String shape, BiConsumer<RouteBuilder, StepPod> routes,
                                                    String refusingRoute) throws Exception {
        StepPod leader = startLeader("pod-a", 1, routes);

        long validityEnd = cutOffAndPause(leader);

        assertRefusedAfterTheHeldStep(leader, validityEnd, refusingRoute, "pause", "item");
    }

    // ---- redelivery and the handling of a refusal ----------------------------------------------------------------

    /**
     * The error handler retries the refused step until the test has seen the pod elected again and one more retry:
     * that retry does not run the step either.
     */
    @Test
    void redeliveringErrorHandlerDoesNotRetryARefusedStepIntoRunningEvenOnceElectedAgain() throws Exception {
        Redeliveries redeliveries = new Redeliveries();
        StepPod leader = startLeader("pod-a", 1, (routes, pod) -> leaderOnly(routes, pod)
                .errorHandler(redeliveries.errorHandler(routes))
                .process(pod.steps().step("item")).process(pod.steps().step("after")).id("after"));

        redeliveries.awaitOneOnceElectedAgain(leader);

        assertThat(leader.steps().names()).containsExactly("item");
    }

    /**
     * A branch of a split is refused, so the split fails; the error handler retries the step that called the split's
     * route until the pod has been elected again: the split does not begin again.
     */
    @Test
    void redeliveringErrorHandlerDoesNotRetryTheStepAroundARefusedStepIntoRunningEvenOnceElectedAgain()
            throws Exception {
        AtomicInteger splits = new AtomicInteger();
        Redeliveries redeliveries = new Redeliveries();
        StepPod leader = startLeader("pod-a", 1, (routes, pod) -> {
            leaderOnly(routes, pod).errorHandler(redeliveries.errorHandler(routes)).to("direct:inner");
            routes.from("direct:inner").routeId("inner").errorHandler(routes.noErrorHandler())
                    .split(method(new Object() {
                        @SuppressWarnings("unused")
                        public List<Integer> list() {
                            splits.incrementAndGet();
                            return items(3);
                        }
                    }, "list"))
                        .process(pod.steps().step("item")).process(pod.steps().step("after")).id("after")
                    .end();
        });

        redeliveries.awaitOneOnceElectedAgain(leader);

        assertThat(leader.steps().names()).containsExactly("item");
        assertThat(splits).as("times the split began").hasValue(1);
    }

    /** Redelivers a failed step for as long as the test wants, the first time only once the pod leads again. */
    private final class Redeliveries {
        private final AtomicInteger count = new AtomicInteger();
        private final CountDownLatch leadingAgain = new CountDownLatch(1);
        private final AtomicBoolean wanted = new AtomicBoolean(true);

        DefaultErrorHandlerDefinition errorHandler(RouteBuilder routes) {
            return routes.defaultErrorHandler().maximumRedeliveries(-1).redeliveryDelay(10).onRedelivery(e -> {
                count.incrementAndGet();
                leadingAgain.await();
                e.setRouteStop(!wanted.get());
            });
        }

        /**
         * Cuts the leader off mid-step, so the step fails, holds the first redelivery until the leader is
         * reconnected and elected again, and then waits until that redelivery has been made (the next one is
         * announced).
         */
        void awaitOneOnceElectedAgain(StepPod leader) throws InterruptedException {
            cutOffAndPause(leader);
            awaitCondition(() -> count.get() > 0);
            reconnect();
            awaitCondition(() -> leader.camel().isLeader());
            leadingAgain.countDown();
            await("another redelivery: the one made while leading again failed too").atMost(Pods.PATIENCE)
                    .until(() -> count.get() > 1);
            wanted.set(false);
        }
    }

    @Test
    void deadLetterChannelRouteReceivesTheRefusedExchange() throws Exception {
        StepPod leader = startLeader("pod-a", 1, (routes, pod) -> {
            routes.errorHandler(routes.deadLetterChannel("direct:dead"));
            leaderOnly(routes, pod).process(pod.steps().step("item")).delay(10).id("pause")
                    .process(pod.steps().step("after"));
            routes.from("direct:dead").routeId("dead").errorHandler(routes.noErrorHandler())
                    .process(e -> pod.refusals().add(caught(e))).process(pod.steps().step("dead letter"));
        });

        cutOffAndPause(leader);

        awaitCondition(() -> leader.steps().names().contains("dead letter"));
        assertThat(leader.steps().names()).containsExactly("item", "dead letter");
        assertThat(leader.refusals()).singleElement().satisfies(refusal -> assertThat(refusal)
                .hasMessageContaining("Route work").hasMessageContaining("step pause").hasMessageContaining(LEASE_REF));
    }

    @Test
    void doCatchHandlesTheRefusalAndTheStepsAfterItAreCheckedAgain() throws Exception {
        StepPod leader = startLeader("pod-a", 1, (routes, pod) -> work(routes, pod)
                .doTry()
                    .process(pod.steps().step("item")).delay(10).id("pause").process(pod.steps().step("after"))
                .endDoTry()
                .doCatch(LeadershipLostException.class)
                    .process(pod.steps().step("caught"))
                .end()
                .process(pod.steps().step("after the try")).id("after-try"));

        long validityEnd = cutOffAndPause(leader);

        awaitCondition(() -> !leader.refusals().isEmpty());
        assertThat(leader.steps().names()).containsExactly("item", "caught");
        assertThat(leader.steps().steps().get(0).clockNanos()).isLessThan(validityEnd);
        assertThat(leader.refusals()).singleElement().satisfies(refusal -> assertThat(refusal)
                .hasMessageContaining("after-try").hasMessageContaining(LEASE_REF));
    }

    static Stream<Arguments> blocksThatRunBecauseOfTheRefusal() {
        BiConsumer<RouteBuilder, StepPod> doFinally = (routes, pod) -> work(routes, pod)
                .doTry()
                    .process(pod.steps().step("item")).delay(10).id("pause").process(pod.steps().step("after"))
                .endDoTry()
                .doFinally()
                    .process(pod.steps().step("handling"))
                .end();
        BiConsumer<RouteBuilder, StepPod> onCompletion = (routes, pod) -> leaderOnly(routes, pod)
                .onCompletion().onFailureOnly()
                    .process(pod.steps().step("handling"))
                .end()
                .process(pod.steps().step("item")).delay(10).id("pause").process(pod.steps().step("after"));
        return Stream.of(arguments("doFinally", doFinally), arguments("onCompletion", onCompletion));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blocksThatRunBecauseOfTheRefusal")
    void blockThatRunsBecauseOfTheRefusalRunsUnchecked(String block, BiConsumer<RouteBuilder, StepPod> routes)
            throws Exception {
        StepPod leader = startLeader("pod-a", 1, routes);

        cutOffAndPause(leader);

        awaitCondition(() -> leader.steps().names().contains("handling"));
        assertThat(leader.steps().names()).containsExactly("item", "handling");
    }

    // ---- a stop or yield waits for the steps in flight ------------------------------------------------------------

    @Test
    void yieldWhileAStepIsInFlightReleasesTheLeaseOnlyAfterTheStepEnded() throws Exception {
        StepPod leader = startLeader("pod-a", 2, (routes, pod) -> work(routes, pod)
                .split(constant(items(3))).process(pod.steps().step("item")).end());
        leader.steps().awaitHeld();

        leader.elector().yieldLeadership(Duration.ofMinutes(1));

        assertTheLeaseIsReleasedOnlyAfterTheHeldStepEnded(leader);
        awaitCondition(() -> !leader.refusals().isEmpty());
        assertThat(leader.steps().names()).as("the third item, due after LOST, is refused")
                .containsExactly("item", "item");
    }

    @Test
    void stopWhileAStepIsInFlightReleasesTheLeaseOnlyAfterTheStepEnded() throws Exception {
        StepPod leader = startLeader("pod-a", 2, (routes, pod) -> work(routes, pod)
                .split(constant(items(3))).process(pod.steps().step("item")).end());
        // Camel gives up waiting for the exchange after a second, and the policy leaves the election with the step
        // still running: the elector must wait for it
        leader.camel().context().getShutdownStrategy().setTimeout(1);
        leader.steps().awaitHeld();

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(leader.camel()::stop);

        assertTheLeaseIsReleasedOnlyAfterTheHeldStepEnded(leader);
        awaitCondition(stopped::isDone);
    }

    private void assertTheLeaseIsReleasedOnlyAfterTheHeldStepEnded(StepPod leader) {
        awaitCondition(() -> leader.lostAt().get() != 0);
        assertThat(holder()).as("the holder after LOST, while the step runs").isEqualTo(leader.camel().name());
        leader.steps().release();
        awaitCondition(() -> holder().isEmpty());
        List<Pods.Request> writes = pods.leaseWritesBy(leader.camel().name());
        assertThat(writes.get(writes.size() - 1).nanos()).as("the release reached the API server after the step ended")
                .isGreaterThan(leader.steps().heldStepEnd());
    }

    private String holder() {
        return pods.lease().getSpec().getHolderIdentity();
    }

    // ---- routes of any origin -------------------------------------------------------------------------------------

    @Test
    void stepsOfARouteCreatedBeforeTheLeaderOnlyRouteAreChecked() throws Exception {
        StepPod leader = startLeader("pod-a", 1, (routes, pod) -> {
            recordRefusals(routes.from("direct:sub").routeId("sub"), pod)
                    .process(pod.steps().step("item")).delay(10).id("pause").process(pod.steps().step("after"));
            work(routes, pod).to("direct:sub");
        });

        long validityEnd = cutOffAndPause(leader);

        assertRefusedAfterTheHeldStep(leader, validityEnd, "sub", "pause", "item");
    }

    @Test
    void stepsOfRoutesAddedToTheRunningContextAreChecked() throws Exception {
        StepPod leader = create("pod-a", 1);
        leader.camel().start();
        leader.camel().context().addRoutes(routes(leader, (routes, pod) -> {
            work(routes, pod).to("direct:sub");
            recordRefusals(routes.from("direct:sub").routeId("sub"), pod)
                    .process(pod.steps().step("item")).delay(10).id("pause").process(pod.steps().step("after"));
        }));
        awaitLeadership(leader);

        long validityEnd = cutOffAndPause(leader);

        assertRefusedAfterTheHeldStep(leader, validityEnd, "sub", "pause", "item");
    }

    @Test
    void exchangeThatIsNotLeaderOnlyRunsEveryStepWhateverTheLeadership() throws Exception {
        StepPod leader = startLeader("pod-a", 1, (routes, pod) -> {
            work(routes, pod).process(pod.steps().step("leader-only"));
            routes.from("direct:anyone").routeId("anyone")
                    .process(pod.steps().step("first")).delay(10).process(pod.steps().step("second"));
        });
        cutOffAndPause(leader);

        Exchange exchange = leader.camel().context().createProducerTemplate().send("direct:anyone", e -> {
        });

        assertThat(exchange.getException()).isNull();
        assertThat(leader.steps().names()).containsExactly("leader-only", "first", "second");
        assertThat(exchange.getProperty(LeaderOnlyMark.PROPERTY)).isNull();
    }

    // ---- fixture -------------------------------------------------------------------------------------------------

    /** The leader-only route "work": one exchange as soon as the route starts. */
    private static RouteDefinition leaderOnly(RouteBuilder routes, StepPod pod) {
        return routes.from("timer:work?repeatCount=1&delay=0").routeId("work").routePolicy(pod.camel().policy());
    }

    /** The route "work", its refusals recorded. */
    private static RouteDefinition work(RouteBuilder routes, StepPod pod) {
        return recordRefusals(leaderOnly(routes, pod), pod);
    }

    /** Hands the refusals of the route's steps to the test, which also shows that onException can handle them. */
    private static RouteDefinition recordRefusals(RouteDefinition route, StepPod pod) {
        return (RouteDefinition) route.onException(LeadershipLostException.class).handled(true)
                .process(e -> pod.refusals().add(caught(e))).end();
    }

    private static LeadershipLostException caught(Exchange exchange) {
        return exchange.getProperty(Exchange.EXCEPTION_CAUGHT, LeadershipLostException.class);
    }

    private static List<Integer> items(int count) {
        return IntStream.rangeClosed(1, count).boxed().toList();
    }

    private StepPod startLeader(String name, int holdAt, BiConsumer<RouteBuilder, StepPod> routes) {
        StepPod pod = start(name, holdAt, routes);
        awaitLeadership(pod);
        return pod;
    }

    private StepPod start(String name, int holdAt, BiConsumer<RouteBuilder, StepPod> routes) {
        StepPod pod = create(name, holdAt);
        pod.camel().routes(routes(pod, routes)).start();
        return pod;
    }

    private StepPod create(String name, int holdAt) {
        FaultyClock clock = new FaultyClock();
        CamelPod camel = pods.create(name).withoutStandardRoutes().component(c -> c.setElectionClock(clock));
        return new StepPod(camel, clock, new StepRecorder(clock).holdAt(holdAt), new CopyOnWriteArrayList<>(),
                new AtomicLong());
    }

    private static RouteBuilder routes(StepPod pod, BiConsumer<RouteBuilder, StepPod> routes) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                routes.accept(this, pod);
            }
        };
    }

    /** Waits until the pod leads, then records when it is told LOST, on its own clock. */
    private static void awaitLeadership(StepPod pod) {
        awaitCondition(() -> pod.camel().isLeader());
        pod.elector().addListener(new LeadershipListener() {
            @Override
            public void lost(LeaseRecord lastKnown) {
                pod.lostAt().set(pod.clock().nanoTime());
            }
        });
    }

    /**
     * While the held step runs: cuts the leader off (its renewals hang, so its last successful renewal is known),
     * then makes its clock jump past the end of its validity, as a pause would, and lets the held step finish.
     * Returns the end of the leader's validity by its own clock.
     */
    private long cutOffAndPause(StepPod leader) throws InterruptedException {
        leader.steps().awaitHeld();
        String name = leader.camel().name();
        FaultDispatcher.Rule renewals = pods.faults().hang(candidate(name).and(FaultDispatcher.Request::isLeaseWrite),
                -1);
        cut.add(renewals);
        cut.add(pods.faults().hang(candidate(name), -1));
        awaitCondition(() -> renewals.hits() > 0);
        // a renewal hangs, and an elector has one request in flight at most: its last successful one is known
        long validityEnd = leader.elector().lastRenewedNanos() + RENEW_DEADLINE.toNanos();
        leader.clock().jump(RENEW_DEADLINE.plusMillis(100));
        leader.steps().release();
        return validityEnd;
    }

    /** Lifts the faults of {@link #cutOffAndPause}. */
    private void reconnect() {
        cut.forEach(pods.faults()::remove);
        cut.clear();
    }

    private static void assertRefusedAfterTheHeldStep(StepPod leader, long validityEnd, String route,
                                                      String refusedStep, String... stepsBegun) {
        awaitCondition(() -> !leader.refusals().isEmpty() && leader.lostAt().get() != 0);
        assertThat(leader.steps().names()).as("the steps that began").containsExactly(stepsBegun);
        assertThat(leader.steps().steps()).allSatisfy(step -> {
            assertThat(step.clockNanos()).as("%s began before the validity ended", step.name()).isLessThan(validityEnd);
            assertThat(step.clockNanos()).as("%s began before LOST", step.name()).isLessThan(leader.lostAt().get());
        });
        assertThat(leader.refusals().get(0)).isInstanceOf(LeadershipLostException.class)
                .hasMessageContaining("Route " + route).hasMessageContaining("step " + refusedStep)
                .hasMessageContaining(LEASE_REF);
    }

    private static void awaitCondition(Callable<Boolean> condition) {
        await().atMost(Pods.PATIENCE).until(condition);
    }
}

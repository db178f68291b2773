package io.github.camelk8s.leader.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

import io.fabric8.mockwebserver.http.MockResponse;
import io.github.camelk8s.leader.testsupport.CountingDispatcher;
import io.github.camelk8s.leader.testsupport.FaultDispatcher;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import io.github.camelk8s.leader.testsupport.Timings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario 6: Leases spread over the members of a group, which then gains and loses members. Each implementation
 * runs alone, on a mock API server of its own. The members start one after the other and the spread settles;
 * requests are counted over a window at rest; then, move by move, a member joins, leaves gracefully or crashes,
 * and we time until the spread is even again, count the Leases that moved, and take the longest time any Lease had
 * no leader in between.
 * <p>
 * "Even": every Lease led by exactly one live member, each live member leading floor(L / M) or ceil(L / M) of them,
 * and so for {@link Case#stable} without a route starting or stopping anywhere (so that a state that is even by
 * chance halfway through a move does not count). The time to even is from the call that starts, stops or kills the
 * member until the route change that made the spread even. Leadership is read from the routes: a Lease is led by a
 * member while its route runs in that member's pod.
 */
final class Rebalancing {

    private static final Logger LOG = LoggerFactory.getLogger("bench");

    /** The longest a Lease may be without a leader in a graceful move (the target). */
    static final Duration GRACEFUL_GAP = Duration.ofMillis(100);

    enum Move {
        JOIN("join"), LEAVE("graceful leave"), CRASH("crash");

        final String label;

        Move(String label) {
            this.label = label;
        }
    }

    /**
     * A group of {@code members} on {@code leases} Leases, then the {@code moves}, one after the other, for each of
     * {@code impls} in turn.
     */
    record Case(String number, String key, int leases, int members, Timings timings, List<Move> moves,
                Duration rest, Duration stable, Duration timeout, List<Impl> impls) {

        /**
         * The usual shape: a spread counts as even once it has held for renewDeadline and two retryPeriods, long
         * enough for a leader that was told to give a Lease up to have stopped its route (Camel's stops it when its
         * leadership is not refreshed for renewDeadline) and for the others to have polled since.
         */
        static Case of(String number, String key, int leases, int members, Timings timings, List<Move> moves,
                       Duration rest, List<Impl> impls) {
            return new Case(number, key, leases, members, timings, moves, rest,
                    timings.renewDeadline().plus(timings.retryPeriod().multipliedBy(2)), Duration.ofSeconds(120),
                    impls);
        }
    }

    /** One move: the members before and after it and what it cost. */
    record MoveOutcome(Move move, int membersBefore, int membersAfter, double msToEven, int moved, int fewest,
                       double longestGapMs, String longestGapLease, double longestOverlapMs) {
        boolean even() {
            return !Double.isNaN(msToEven);
        }
    }

    record Outcome(Impl impl, Case spec, double msToFirstEven, List<MoveOutcome> moves, Samples restRequests,
                   Samples restMembershipRequests, Samples restMembershipWrites) {
    }

    /**
     * Why the large case is not 1,000 Leases over 10 members, and why Camel sits it out: as written in the page.
     */
    static String largeCase(Case spec) {
        int routes = spec.leases() * spec.members();
        double polls = 2.0 * routes * 1000 / spec.timings().retryPeriod().toMillis();
        return "1,000 Leases over 10 members do not fit in one JVM on two cores with the mock API server: every "
               + "member follows every Lease through its own watch, so each renewal reaches ten clients (at the "
               + "default timings 500 renewals and 5,000 watch events a second, through the mock's one event loop), "
               + "and in trial runs most of the Leases were still without a leader after two minutes; 500 spread "
               + "evenly, but a move then took seconds. So this case has fewer Leases, and this component alone: "
               + "Camel's KubernetesClusterService runs two threads and polls twice per Lease every retryPeriod in "
               + "every member (here " + Results.number(2.0 * routes) + " threads and about "
               + Results.number(polls) + " requests a second), more than the mock serves, and each of its moves "
               + "waits out a leaseDuration or more.";
    }

    private Rebalancing() {
    }

    static Outcome run(Impl impl, Case spec) throws Exception {
        try (MockApiServer api = Benchmarks.freshApiServer();
             RebalancingGroup group = new RebalancingGroup(impl, api, "rebalance-" + impl.key + "-" + spec.key(),
                     spec.timings(), spec.leases())) {
            MembershipTally tally = new MembershipTally();
            api.faults().addAnswerListener(tally);
            api.faults().addAnswerListener(group.writes);
            List<RebalancingMember> live = new ArrayList<>();
            long begin = System.nanoTime();
            for (int i = 0; i < spec.members(); i++) {
                RebalancingMember member = group.create();
                member.start();
                live.add(member);
            }
            double first = awaitEven(group, live, begin, spec);
            LOG.info("  {} {}: {} Leases over {} members even after {} ms", impl.label, spec.key(), spec.leases(),
                    spec.members(), Results.number(first));
            if (Double.isNaN(first)) {
                return new Outcome(impl, spec, first, List.of(), new Samples(), new Samples(), new Samples());
            }
            Samples requests = new Samples();
            Samples membership = new Samples();
            Samples membershipWrites = new Samples();
            rest(api, tally, live, spec.rest(), requests, membership, membershipWrites);
            LOG.info("  {} {} at rest: requests/min per member {} (max {}), membership requests/min {} (writes {})",
                    impl.label, spec.key(), Results.number(requests.p50()), Results.number(requests.max()),
                    Results.number(membership.p50()), Results.number(membershipWrites.p50()));
            List<MoveOutcome> moves = new ArrayList<>();
            for (Move move : spec.moves()) {
                MoveOutcome outcome = move(group, live, move, spec);
                moves.add(outcome);
                LOG.info("  {} {} {} ({} -> {} members): {} ms to even, {} Leases moved (fewest {}), longest without "
                         + "a leader {} ms ({}), longest with two {} ms", impl.label, spec.key(), move.label,
                        outcome.membersBefore(), outcome.membersAfter(), Results.number(outcome.msToEven()),
                        outcome.moved(), outcome.fewest(), Results.number(outcome.longestGapMs()),
                        outcome.longestGapLease(), Results.number(outcome.longestOverlapMs()));
                if (!outcome.even()) {
                    break;
                }
            }
            return new Outcome(impl, spec, first, moves, requests, membership, membershipWrites);
        }
    }

    private static MoveOutcome move(RebalancingGroup group, List<RebalancingMember> live, Move move, Case spec)
            throws Exception {
        int before = live.size();
        List<RebalancingGroup.Change> changesBefore = group.changes();
        RebalancingGroup.State stateBefore = group.stateAt(changesBefore, System.nanoTime());
        long t0;
        int fewest;
        if (move == Move.JOIN) {
            RebalancingMember member = group.create();
            fewest = spec.leases() / (before + 1);
            t0 = System.nanoTime();
            member.start();
            live.add(member);
        } else {
            // the oldest member goes: it has led its share the longest
            RebalancingMember member = live.remove(0);
            fewest = stateBefore.leasesByMember().getOrDefault(member.identity(), 0);
            t0 = System.nanoTime();
            if (move == Move.LEAVE) {
                member.stop();
            } else {
                member.crash();
            }
        }
        double ms = awaitEven(group, live, t0, spec);
        long end = Double.isNaN(ms) ? System.nanoTime() : t0 + (long) (ms * 1_000_000);
        List<RebalancingGroup.Change> changes = group.changes();
        int moved = (int) changes.stream().filter(c -> c.started() && c.nanos() - t0 > 0 && c.nanos() - end <= 0)
                .count();
        Longest longest = longest(group, changes, t0, end);
        if (longest.gap() > (move == Move.CRASH ? spec.timings().retryPeriod() : GRACEFUL_GAP).toNanos()) {
            // what the Lease that waited longest went through, for whoever reads the log
            LOG.info("  {} {} {}: {} without a leader for {} ms; its routes (ms after the move began): {}",
                    group.impl.label, spec.key(), move.label, longest.gapLease(),
                    Results.number(Handover.ms(longest.gap())), changes.stream()
                            .filter(c -> c.lease().equals(longest.gapLease()) && c.nanos() - t0 > 0
                                         && c.nanos() - end <= 0)
                            .map(c -> (c.started() ? "+" : "-") + c.member() + "@"
                                      + Math.round(Handover.ms(c.nanos() - t0)))
                            .collect(Collectors.joining(" ")));
            // and the writes the API server answered meanwhile, of that Lease and of the member slots: whether the
            // time went before the release, between the release and the take-over, or after the take-over
            LOG.info("  {} {} {}: writes answered (ms after the move began): {}", group.impl.label, spec.key(),
                    move.label, group.writes.between(t0, end, longest.gapLease()));
        }
        return new MoveOutcome(move, before, live.size(), ms, moved, fewest, Handover.ms(longest.gap()),
                longest.gapLease(), Handover.ms(longest.overlap()));
    }

    /**
     * Waits until the spread is even and has stayed so for {@link Case#stable}; returns the milliseconds from
     * {@code t0} to the route change that made it even (0 if it already was), NaN if it was not within
     * {@link Case#timeout}.
     */
    private static double awaitEven(RebalancingGroup group, List<RebalancingMember> live, long t0, Case spec) {
        Set<String> members = live.stream().map(m -> m.identity()).collect(Collectors.toSet());
        long deadline = t0 + spec.timeout().toNanos();
        while (System.nanoTime() - deadline < 0) {
            List<RebalancingGroup.Change> changes = group.changes();
            long now = System.nanoTime();
            RebalancingGroup.State state = group.stateAt(changes, now);
            if (state.even(members, spec.leases())) {
                long last = changes.isEmpty() ? t0 : changes.get(changes.size() - 1).nanos();
                long since = last - t0 > 0 ? last : t0;
                if (now - since >= spec.stable().toNanos()) {
                    return Handover.ms(since - t0);
                }
            }
            Benchmarks.sleep(50);
        }
        RebalancingGroup.State state = group.stateAt(group.changes(), System.nanoTime());
        LOG.warn("  {} {}: the spread was not even within {}: {} of {} Leases led, by member {}",
                group.impl.label, spec.key(), spec.timeout(), state.leadersByLease().size(), spec.leases(),
                state.describe());
        return Double.NaN;
    }

    /** The longest time a Lease had no leader (and which Lease), and the longest one had two, in nanoseconds. */
    private record Longest(long gap, String gapLease, long overlap) {
    }

    /** The longest time within [from, to] that any Lease had no leader, and the longest that one had two. */
    private static Longest longest(RebalancingGroup group, List<RebalancingGroup.Change> changes, long from,
                                   long to) {
        RebalancingGroup.State start = group.stateAt(changes, from);
        Map<String, Integer> leaders = new HashMap<>();
        Map<String, Long> since = new HashMap<>();
        for (String lease : group.leases) {
            int n = start.leadersByLease().getOrDefault(lease, Set.of()).size();
            leaders.put(lease, n);
            since.put(lease, from);
        }
        long gap = 0;
        String gapLease = "none";
        long overlap = 0;
        for (RebalancingGroup.Change c : changes) {
            if (c.nanos() - from <= 0) {
                continue;
            }
            long at = Math.min(c.nanos(), to);
            int n = leaders.get(c.lease());
            if (n == 0 && at - since.get(c.lease()) > gap) {
                gap = at - since.get(c.lease());
                gapLease = c.lease();
            } else if (n >= 2) {
                overlap = Math.max(overlap, at - since.get(c.lease()));
            }
            if (c.nanos() - to > 0) {
                break;
            }
            leaders.put(c.lease(), n + (c.started() ? 1 : -1));
            since.put(c.lease(), c.nanos());
        }
        for (String lease : group.leases) {
            if (leaders.get(lease) == 0 && to - since.get(lease) > gap) {
                gap = to - since.get(lease);
                gapLease = lease;
            }
        }
        return new Longest(gap, gapLease, overlap);
    }

    /** Requests per member over the window, per minute, in all and for membership alone. */
    private static void rest(MockApiServer api, MembershipTally tally, List<RebalancingMember> live, Duration window,
                             Samples requests, Samples membership, Samples membershipWrites) {
        Map<String, CountingDispatcher.Snapshot> before = new LinkedHashMap<>();
        Map<String, long[]> tallyBefore = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        for (RebalancingMember m : live) {
            before.put(m.identity(), api.counts().snapshot(m.identity()));
            tallyBefore.put(m.identity(), tally.of(m.identity()));
        }
        Benchmarks.sleep(window.toMillis());
        double minutes = (System.nanoTime() - t0) / (double) Duration.ofMinutes(1).toNanos();
        for (RebalancingMember m : live) {
            CountingDispatcher.Snapshot delta = api.counts().snapshot(m.identity()).minus(before.get(m.identity()));
            long[] now = tally.of(m.identity());
            long[] was = tallyBefore.get(m.identity());
            requests.add(delta.requests() / minutes);
            membership.add((now[0] - was[0]) / minutes);
            membershipWrites.add((now[1] - was[1]) / minutes);
        }
    }

    private static final String OURS = "camel-k8s-leader (`K8sLeaderClusterService`, rebalancing)";

    /** The case's table, one column per implementation, and this component's targets. */
    static void report(Results results, Case spec, List<Outcome> outcomes) {
        Timings t = spec.timings();
        Results.Table table = results.table("rebalancing-" + spec.key(), spec.number() + ". Rebalancing: "
                + spec.leases() + " Leases over " + spec.members() + " members, timings " + t.describe(),
                description(spec));
        if (spec.impls().contains(Impl.CAMEL)) {
            table.columns(Impl.K8S_LEADER, OURS, Impl.CAMEL, "Camel `RebalancingCamelClusterService` over "
                                                             + "`KubernetesClusterService`");
        } else {
            table.columns(Impl.K8S_LEADER, OURS);
        }
        Results.Row start = table.row("start", "Start: time until the spread is even (the " + spec.members()
                                               + " members started one after another)", "ms");
        Map<Move, Results.Row[]> rows = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            start.value(o.impl(), o.msToFirstEven());
            if (Double.isNaN(o.msToFirstEven())) {
                start.remark(o.impl(), "not even within " + spec.timeout().toSeconds() + " s");
            }
            for (MoveOutcome m : o.moves()) {
                Results.Row[] r = rows.computeIfAbsent(m.move(), move -> new Results.Row[] {
                    table.row(move.name().toLowerCase(Locale.ROOT) + "ToEven", capitalized(move.label) + " ("
                            + m.membersBefore() + " → " + m.membersAfter() + " members): time until the spread is "
                            + "even", "ms"),
                    table.row(move.name().toLowerCase(Locale.ROOT) + "Moved", capitalized(move.label) + ": Leases "
                            + "moved (the fewest that can: " + m.fewest() + ")", ""),
                    table.row(move.name().toLowerCase(Locale.ROOT) + "LongestGap", capitalized(move.label) + ": "
                            + "longest time a Lease had no leader", "ms") });
                if (m.even()) {
                    r[0].samples(o.impl()).add(m.msToEven());
                    r[1].samples(o.impl()).add(m.moved());
                    r[2].samples(o.impl()).add(m.longestGapMs());
                } else {
                    r[0].remark(o.impl(), "not even within " + spec.timeout().toSeconds() + " s");
                }
                if (m.longestOverlapMs() > 0) {
                    results.notes.add(o.impl().label + ", " + spec.leases() + " Leases, " + m.move().label + ": a "
                                      + "Lease's route ran in two members at once for "
                                      + Results.number(m.longestOverlapMs()) + " ms.");
                }
            }
        }
        Results.Row rest = table.row("restRequests", "At rest: requests/min per member (median of "
                                                     + spec.members() + ")", "");
        Results.Row membership = table.row("restMembership", "At rest: membership requests/min per member "
                                                             + "(median)", "");
        Results.Row writes = table.row("restMembershipWrites", "of which writes", "").noRatio();
        for (Outcome o : outcomes) {
            if (o.restRequests().count() > 0) {
                rest.value(o.impl(), o.restRequests().p50());
                membership.value(o.impl(), o.restMembershipRequests().p50());
                writes.value(o.impl(), o.restMembershipWrites().p50());
            }
        }
        targets(results, spec, outcomes);
    }

    private static String description(Case spec) {
        return "Each implementation alone, on a mock API server of its own; every member a pod (a CamelContext with "
               + "its own client and identity) with one `direct:` route per Lease under `ClusteredRoutePolicy`. "
               + "A Lease is led by a member while its route runs there (the routes' start and stop events, not "
               + "the Lease records). The members start one after the other; then " + spec.rest().toSeconds()
               + " s at rest, counted per member; then the moves in turn: "
               + spec.moves().stream().map(m -> m.label).collect(Collectors.joining(", ")) + " (the oldest member "
               + "leaves or crashes). The spread is even when every Lease has one leader among the live members and "
               + "each leads ⌊L/M⌋ or ⌈L/M⌉ of them, and has stayed so for " + spec.stable().toMillis() + " ms; "
               + "the time to even runs from the call that starts, stops or kills a member to the route change "
               + "that made it even. Leases moved: routes started during the move. A crash closes the member's "
               + "client, so it can neither renew nor release; its routes count as gone at once. "
               + "camel-k8s-leader: a member joins its group once its context has started and leaves as it begins "
               + "to stop. Camel: reconciling every retryPeriod; its members are the Ready Pods (created once the "
               + "context has started, deleted when it has stopped or crashed); membership requests are its Pod "
               + "lists, this component's its member slot Lease's." + (spec.impls().contains(Impl.CAMEL) ? ""
                       : " " + largeCase(spec));
    }

    private static void targets(Results results, Case spec, List<Outcome> outcomes) {
        Outcome ours = outcomes.stream().filter(o -> o.impl() == Impl.K8S_LEADER).findFirst().orElse(null);
        if (ours == null) {
            return;
        }
        Outcome camel = outcomes.stream().filter(o -> o.impl() == Impl.CAMEL).findFirst().orElse(null);
        String scenario = spec.number() + ". Rebalancing (" + spec.leases() + " Leases, " + spec.members() + " members, "
                          + spec.timings().describe() + ")";
        long limit = spec.timings().leaseDuration().toMillis() + 2000;
        for (Move move : Move.values()) {
            long bound = move == Move.CRASH ? limit : 2000;
            List<MoveOutcome> mine = ours.moves().stream().filter(m -> m.move() == move).toList();
            if (mine.isEmpty()) {
                continue;
            }
            double worst = mine.stream().mapToDouble(m -> m.even() ? m.msToEven() : Double.POSITIVE_INFINITY).max()
                    .orElse(Double.NaN);
            results.target(scenario, "even spread within " + (move == Move.CRASH ? "leaseDuration + 2 s = " : "")
                                     + Results.number(bound) + " ms of a " + move.label,
                    worst(mine, MoveOutcome::msToEven) + " ms" + peer(camel, move, MoveOutcome::msToEven, " ms"),
                    worst <= bound, "");
        }
        List<MoveOutcome> graceful = ours.moves().stream().filter(m -> m.move() != Move.CRASH).toList();
        if (!graceful.isEmpty()) {
            double gap = graceful.stream().mapToDouble(MoveOutcome::longestGapMs).max().orElse(Double.NaN);
            results.target(scenario, "no Lease without a leader for longer than " + GRACEFUL_GAP.toMillis()
                                     + " ms in a graceful move",
                    "longest " + Results.number(gap) + " ms" + peer(camel, null, MoveOutcome::longestGapMs, " ms"),
                    gap <= GRACEFUL_GAP.toMillis() && graceful.stream().allMatch(MoveOutcome::even), "");
        }
        if (ours.restMembershipWrites().count() > 0) {
            double renewal = spec.timings().renewalInterval().toMillis();
            // one write per renewalInterval, and one more for where the window's edges fall
            double allowed = 60_000 / renewal * (1 + renewal / spec.rest().toMillis());
            double most = ours.restMembershipWrites().max();
            results.target(scenario, "at rest, at most one membership write per renewalInterval per member",
                    Results.number(most) + " writes/min (busiest member; one per renewalInterval is "
                    + Results.number(60_000 / renewal) + ")" + (camel == null ? "" : "; Camel: "
                    + Results.number(camel.restMembershipRequests().max()) + " Pod lists/min"),
                    most <= allowed, "");
        }
    }

    /** The worst of the moves' figures, or "not even" when one never was. */
    private static String worst(List<MoveOutcome> moves, ToDoubleFunction<MoveOutcome> figure) {
        if (!moves.stream().allMatch(MoveOutcome::even)) {
            return "not even within the timeout";
        }
        return "longest " + Results.number(moves.stream().mapToDouble(figure).max().orElse(Double.NaN));
    }

    /** The peer's worst figure for the move (any graceful move when null), for comparison. */
    private static String peer(Outcome camel, Move move, ToDoubleFunction<MoveOutcome> figure,
                               String unit) {
        if (camel == null) {
            return "";
        }
        List<MoveOutcome> theirs = camel.moves().stream()
                .filter(m -> move == null ? m.move() != Move.CRASH : m.move() == move).toList();
        if (theirs.isEmpty()) {
            return "";
        }
        String w = worst(theirs, figure);
        return " (Camel: " + w + (w.startsWith("not") ? "" : unit) + ")";
    }

    private static String capitalized(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    /** The Lease writes the API server answered, with when: for the log of a move that kept a Lease unled. */
    static final class WriteLog implements FaultDispatcher.AnswerListener {
        private record Write(long nanos, String lease, String candidate, String method, int code) {
        }

        private final Queue<Write> writes = new ConcurrentLinkedQueue<>();

        @Override
        public void answered(FaultDispatcher.Request request, MockResponse response) {
            int at = request.path().indexOf("/leases/");
            if (at >= 0 && !"GET".equals(request.method())) {
                String lease = request.path().substring(at + "/leases/".length()).split("[?/]")[0];
                writes.add(new Write(System.nanoTime(), lease, request.candidate(), request.method(), response.code()));
            }
        }

        /** The writes of {@code lease} and of the member slots answered within (from, to], oldest first. */
        String between(long from, long to, String lease) {
            return writes.stream().filter(w -> w.nanos() - from > 0 && w.nanos() - to <= 0)
                    .filter(w -> w.lease().equals(lease) || w.lease().startsWith(RebalancingGroup.GROUP + "-member-"))
                    .map(w -> w.lease() + " " + w.method() + " " + w.code() + " by " + w.candidate() + "@"
                              + Math.round(Handover.ms(w.nanos() - from)))
                    .collect(Collectors.joining(", "));
        }
    }

    /**
     * Counts each member's membership requests as the API server answers them: this component's member slot
     * Leases ({@code <group>-member-<n>}), Camel's Pod lists (its members are the Ready Pods, listed at every
     * poll of every Lease); in all, and the writes among them.
     */
    static final class MembershipTally implements FaultDispatcher.AnswerListener {
        private final Map<String, AtomicLong[]> counts = new ConcurrentHashMap<>();

        @Override
        public void answered(FaultDispatcher.Request request, MockResponse response) {
            boolean slot = request.path().contains("/leases/" + RebalancingGroup.GROUP + "-member-");
            boolean pods = request.path().contains("/pods");
            if (slot || pods) {
                AtomicLong[] c = counts.computeIfAbsent(request.candidate(),
                        k -> new AtomicLong[] { new AtomicLong(), new AtomicLong() });
                c[0].incrementAndGet();
                if (!"GET".equals(request.method())) {
                    c[1].incrementAndGet();
                }
            }
        }

        long[] of(String member) {
            AtomicLong[] c = counts.get(member);
            return c == null ? new long[2] : new long[] { c[0].get(), c[1].get() };
        }
    }
}

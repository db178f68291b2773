package io.github.camelk8s.leader.election;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static io.github.camelk8s.leader.election.Schedule.format;
import static io.github.camelk8s.leader.election.VirtualTime.SECONDS;

/**
 * One deterministic run of a {@link RebalancingSchedule}: the group's members ({@link SimulatedMember}), each with
 * its decision and its real candidacies, the elections of every Lease (the group's and the member slots) against
 * simulated API servers and networks, all on one virtual timeline in one thread. It judges:
 * <dl>
 * <dt>(a) to (d), (g): the election's rules, per Lease</dt>
 * <dd>Each Lease has its own {@link SimulationInvariants}, whose candidates are the members' candidacies for it:
 * never two leaders of one Lease, fencing, events, cross-pod order, drain before release, and the handover of a
 * graceful release to a follower that is ready. Liveness and load at rest are this class's to judge, since
 * candidacies come and go.</dd>
 * <dt>(spread) the even spread</dt>
 * <dd>Once the changes and faults are over ({@link RebalancingSchedule#quietAt()}), within {@link #settleBound}:
 * every Lease has a leader, every one a live member, and each live member leads between floor(L / M) and
 * ceil(L / M) of the L Leases, M being the live members. It stays so for {@link #hold}: the same leader for every
 * Lease.</dd>
 * <dt>(moves) no thrashing</dt>
 * <dd>From the settle bound until the end of the hold, no Lease is lost or taken.</dd>
 * <dt>(fewest) the probe</dt>
 * <dd>After the hold, one member joins or one leaves gracefully, on a healthy group. Within
 * {@link #probeBound} the spread is even again (judged as above, and held again), and the number of Leases taken
 * meanwhile is exactly the fewest that any even spread of the new members needs, from who led what.</dd>
 * </dl>
 * The fewest moves are judged only when no slot is left held by a member that is gone (the spread and the moves
 * still are): a newcomer cannot tell such a slot from a live member's for leaseDuration ({@link MemberSlots} times
 * it from first sight), counts it in its spread and takes less than the others hand it; the rest waits, without a
 * leader, for the newcomer's view to correct or for the grace.
 * <dl>
 * <dt>(leaderless) with a member that takes part in no Lease ({@link RebalancingSchedule.Family#ABSENTEE})</dt>
 * <dd>Such a member counts in every spread and never takes its share, so no even spread exists, and neither the
 * spread, nor the moves, nor a probe are judged. What the grace promises is: from the settle bound on, no Lease
 * stays without a leader for longer than {@link #gapBound}, the grace and then a read and a write. The decision as
 * it is breaks it (RebalancingSimulationTest pins that): whoever takes such a Lease through the grace is over its
 * share then and hands it straight back.</dd>
 * </dl>
 */
final class RebalancingSimulation {

    /** The decision under test: the production one. */
    static final Rebalancing.Maker REAL = Rebalancing.REAL;
    /** After the quiet point, how long watches take at most to come back and relist: a backoff and a relist. */
    private static final long RECONNECT = SECONDS;

    /** How a run ended, and how long after the quiet point its last move before the settle bound was (0: before). */
    record Result(RebalancingSchedule schedule, SimulationInvariants.Violation violation, long events, long endedAt,
            String trace, long settledAfter, long settleBound) {
        boolean failed() {
            return violation != null;
        }
    }

    final RebalancingSchedule schedule;
    final VirtualTime time = new VirtualTime();
    final Trace trace;
    final Rebalancing.Maker decisions;
    private final SplittableRandom random;
    private final Map<String, SimulatedElection> elections = new LinkedHashMap<>();
    private final List<SimulatedMember> members = new ArrayList<>();
    private final long quietAt;
    /**
     * How long after the quiet point the spread must be even. Requests sent during a fault may still land for twice
     * the longest request timeout (a hung request applied late); then:
     * <ol>
     * <li>the live members' views agree: a slot that is not renewed (its member crashed or left for good) drops out
     * leaseDuration (as written, whole seconds, with 2% for the clocks' drift) after its last change was seen, and
     * a member back after a crash or a partition takes its own slot back once its old record has expired, timed
     * from its own first read, then retries and answers: leaseDuration + retryPeriod + request timeout;</li>
     * <li>a Lease whose holder is not a live member is taken by the member the spread gives it to, whose candidacy
     * starts only now and times the expiry from its own first read: another leaseDuration + retryPeriod + request
     * timeout (the grace, a leaseDuration from when a member saw the Lease without a live holder, ends within this
     * too);</li>
     * <li>the Leases over a member's share are handed over: a step in flight ends, the release is written, the
     * member it is given to takes it at watch speed; twice, since a Lease taken through grace may be handed over
     * once more;</li>
     * <li>and the watches of the members that were cut off come back: {@link #RECONNECT}.</li>
     * </ol>
     */
    final long settleBound;
    /** How long the spread must hold once even: no Lease lost or taken meanwhile. */
    final long hold;
    /**
     * After one change on a healthy group, how long until the spread is even again: the newcomer's watches and
     * its candidacies' watches come back ({@link #RECONNECT}); a newcomer counts a slot left by a member that is
     * gone for leaseDuration from its first sight (+ retryPeriod + request timeout, as above); the leaver's or an
     * over-share member's step in flight ends and the release is taken, twice.
     */
    final long probeBound;

    /** How long a Lease may go without a leader where a member takes part in none: see the class comment. */
    final long gapBound;

    private SimulationInvariants.Violation violation;
    private boolean finished;
    /** Whether a Lease lost or taken now breaks (moves). */
    private boolean judgingMoves;
    /** Whether a Lease left without a leader for {@link #gapBound} now breaks (leaderless). */
    private boolean judgingGaps;
    /** Since when each Lease has had no leader, while judging gaps. */
    private final Map<String, Long> leaderlessFrom = new TreeMap<>();
    private boolean probing;
    /** Whether the probe's moves are judged: no slot is left behind by a member that is gone. */
    private boolean countingMoves;
    private long takenSinceProbe;
    private long fewestForProbe;
    private Map<String, String> settledLeaders = Map.of();
    private long lastMoveAt;
    private long lastMoveBeforeSettle;

    private RebalancingSimulation(RebalancingSchedule schedule, Rebalancing.Maker decisions, int traceLines) {
        this.schedule = schedule;
        this.decisions = decisions;
        this.trace = traceLines > 0 ? new Trace(time, traceLines) : Trace.OFF;
        this.random = schedule.runtimeRandom();
        SimulationInvariants.Bounds bounds = schedule.bounds();
        List<String> names = new ArrayList<>(schedule.leaseNames());
        names.addAll(schedule.slotNames());
        for (String name : names) {
            Trace about = trace.about(name);
            SimulationInvariants invariants = new SimulationInvariants(time, bounds, about);
            SimulatedApiServer server = new SimulatedApiServer(time, invariants, about,
                    Simulation.FIRST_RESOURCE_VERSION + random.nextLong(Simulation.FIRST_RESOURCE_VERSION));
            elections.put(name, new SimulatedElection(time, about, invariants, server,
                    new SimulatedNetwork(time, random, server), Simulation.REAL_CORE));
        }
        for (int i = 0; i < schedule.processes(); i++) {
            members.add(new SimulatedMember(i, schedule.spec(i), this, random, i != schedule.absentee()));
        }
        for (String lease : schedule.leaseNames()) {
            SimulatedElection election = elections.get(lease);
            election.invariants().attach(members.stream().map(m -> m.candidacies.get(lease)).toList(), null,
                    election.network());
        }
        for (SimulatedMember member : members) {
            SimulatedElection election = elections.get(RebalancingSchedule.slot(member.index));
            election.invariants().attach(List.of(member.slot), null, election.network());
        }
        this.quietAt = bounds.quietAt();
        long expiry = bounds.longestLeaseDurationWritten() * 102 / 100 + bounds.longestRetryPeriod()
                      + bounds.longestRequestTimeout();
        long handover = bounds.longestStep() + SimulationInvariants.HANDOVER;
        this.settleBound = 2 * bounds.longestRequestTimeout() + 2 * expiry + 2 * handover + RECONNECT;
        this.hold = Math.max(2 * SECONDS, 2 * schedule.leaseDuration());
        this.probeBound = RECONNECT + expiry + 2 * handover;
        this.gapBound = schedule.leaseDuration() * 102 / 100 + RECONNECT;
    }

    /** Runs {@code schedule} with the given decisions, keeping the last {@code traceLines} lines of its trace. */
    static Result run(RebalancingSchedule schedule, Rebalancing.Maker decisions, int traceLines) {
        return new RebalancingSimulation(schedule, decisions, traceLines).run();
    }

    SimulatedElection election(String lease) {
        return elections.get(lease);
    }

    private Result run() {
        for (int i = 0; i < schedule.members().size(); i++) {
            SimulatedMember member = members.get(i);
            member.at(member.spec.startAt(), member::join);
        }
        for (Fault fault : schedule.faults()) {
            time.at(fault.start(), () -> begin(fault));
            time.at(schedule.effectEnd(fault), () -> end(fault));
        }
        time.at(quietAt + settleBound, this::settled);
        try {
            while (!failed() && !finished && time.runNext(Long.MAX_VALUE)) {
                // one event at a time
            }
        } catch (RuntimeException e) {
            // the driver, a core or a decision threw: as much a bug as a broken rule
            StackTraceElement[] where = e.getStackTrace();
            fail("exception", e + (where.length > 0 ? " at " + where[0] : ""));
        }
        return new Result(schedule, firstViolation(), time.events(), time.now(), trace.lines(),
                Math.max(0, lastMoveBeforeSettle - quietAt), settleBound);
    }

    private boolean failed() {
        if (violation != null) {
            return true;
        }
        for (SimulatedElection election : elections.values()) {
            if (election.invariants().failed()) {
                return true;
            }
        }
        return false;
    }

    /** This run's violation, or the first of a Lease's election (named). */
    private SimulationInvariants.Violation firstViolation() {
        SimulationInvariants.Violation first = violation;
        for (Map.Entry<String, SimulatedElection> election : elections.entrySet()) {
            SimulationInvariants.Violation v = election.getValue().invariants().violation();
            if (v != null && (first == null || v.at() < first.at())) {
                first = new SimulationInvariants.Violation(v.rule(), v.at(), election.getKey() + ": " + v.message());
            }
        }
        return first;
    }

    private void fail(String rule, String message) {
        if (violation == null) {
            violation = new SimulationInvariants.Violation(rule, time.now(), message);
            trace.line("VIOLATION", violation.describe());
        }
    }

    // ---- changes and faults -----------------------------------------------------------------------------------

    private void begin(Fault fault) {
        elections.values().forEach(e -> {
            e.network().begin(fault);
            e.invariants().disturbed(fault);
        });
        trace.line("fault", "begins: " + fault.describe(schedule::identity)
                            + (fault.kind() == Fault.Kind.HAND_DELETE ? " " + schedule.deleted(fault) : ""));
        long returnAt = fault.end() > fault.start() ? fault.end() : -1;
        SimulatedMember target = fault.target() == Fault.EVERYONE ? null : members.get(fault.target());
        switch (fault.kind()) {
            case PAUSE -> target.pauseAll();
            case CUT, BLACK_HOLE, WATCH_DROP -> linksChanged(fault);
            case RESOURCE_VERSION_RESET -> elections.values().forEach(e -> e.server().restore());
            case HAND_DELETE -> elections.get(schedule.deleted(fault)).server().deleteByHand();
            case WALL_JUMP -> target.clock.jumpWall(fault.magnitude());
            case STOP -> target.at(time.now(), () -> target.leave(returnAt));
            case CRASH -> target.crash(returnAt);
            default -> {
                // FLAKY, SLOW, WATCH_LAG, STALE_READS act on each request or event as it goes
            }
        }
    }

    private void end(Fault fault) {
        elections.values().forEach(e -> {
            e.network().end(fault);
            e.invariants().disturbed(fault);
        });
        trace.line("fault", "ends: " + fault.describe(schedule::identity));
        if (fault.kind() == Fault.Kind.PAUSE) {
            members.get(fault.target()).resumeAll();
            elections.values().forEach(e -> e.invariants().resumed());
        } else if (fault.kind() == Fault.Kind.CUT || fault.kind() == Fault.Kind.BLACK_HOLE
                   || fault.kind() == Fault.Kind.WATCH_DROP) {
            linksChanged(fault);
        }
    }

    private void linksChanged(Fault fault) {
        members.stream().filter(m -> fault.strikes(m.index)).forEach(SimulatedMember::linksChanged);
    }

    // ---- judging ----------------------------------------------------------------------------------------------

    /** A candidacy of {@code member} was told ELECTED ({@code taken}) or LOST on {@code lease}. */
    void leadershipChanged(String lease, SimulatedMember member, boolean taken) {
        trace.line(member.identity, (taken ? "leads " : "no longer leads ") + lease);
        if (judgingMoves) {
            fail("moves", lease + (taken ? " was taken by " : " was lost by ") + member.identity
                          + " after the spread had settled");
        }
        if (taken && probing) {
            takenSinceProbe++;
        }
        lastMoveAt = time.now();
        if (judgingGaps) {
            if (taken) {
                leaderlessFrom.remove(lease);
            } else {
                leaderless(lease);
            }
        }
    }

    /** Starts the count of a Lease's time without a leader, if it has none now. */
    private void leaderless(String lease) {
        if (leaderlessFrom.containsKey(lease)
            || members.stream().anyMatch(m -> m.candidacies.get(lease).passesLeaderCheck())) {
            return;
        }
        long from = time.now();
        leaderlessFrom.put(lease, from);
        time.at(from + gapBound, () -> {
            if (judgingGaps && leaderlessFrom.getOrDefault(lease, -1L) == from) {
                fail("leaderless", lease + " has had no leader since " + format(from) + ", for " + format(gapBound)
                                   + ", with " + schedule.identity(schedule.absentee())
                                   + " taking part in no Lease");
            }
        });
    }

    private List<SimulatedMember> live() {
        return members.stream().filter(SimulatedMember::isMember).toList();
    }

    /** Whether a live member takes part in no Lease. */
    private boolean withAbsentee() {
        return live().stream().anyMatch(m -> !m.takesPart());
    }

    /** Whether a slot is held, as the API server has it, by a member that is gone. */
    private boolean slotLeftBehind() {
        List<String> live = live().stream().map(m -> m.identity).toList();
        return schedule.slotNames().stream().map(slot -> elections.get(slot).server().current())
                .anyMatch(lease -> lease != null && lease.record().isHeld()
                                   && !live.contains(lease.record().holderIdentity()));
    }

    /** Who leads each Lease now, by name; breaks (spread) when one has no leader or one that is not a member. */
    private Map<String, String> leaders(String when) {
        Map<String, String> leaders = new TreeMap<>();
        for (String lease : schedule.leaseNames()) {
            List<SimulatedMember> leading = members.stream()
                    .filter(m -> m.candidacies.get(lease).passesLeaderCheck()).toList();
            if (leading.isEmpty()) {
                fail("spread", when + ": " + lease + " has no leader");
                return leaders;
            }
            SimulatedMember leader = leading.get(0);
            if (!leader.isMember()) {
                fail("spread", when + ": " + lease + " is led by " + leader.identity + ", not a member");
                return leaders;
            }
            leaders.put(lease, leader.identity);
        }
        return leaders;
    }

    /** Every Lease led by a live member, each live member leading between floor(L / M) and ceil(L / M). */
    private Map<String, String> judgeSpread(String when) {
        Map<String, String> leaders = leaders(when);
        if (failed() || withAbsentee()) {
            return leaders;
        }
        Map<String, Long> counts = counts(leaders);
        int l = schedule.leases();
        int m = counts.size();
        long floor = l / m;
        long ceil = (l + m - 1) / m;
        for (Map.Entry<String, Long> count : counts.entrySet()) {
            if (count.getValue() < floor || count.getValue() > ceil) {
                fail("spread", when + ": " + count.getKey() + " leads " + count.getValue() + " of " + l
                               + " Leases among " + m + " members, not between " + floor + " and " + ceil
                               + " (leaders " + counts + ")");
                return leaders;
            }
        }
        return leaders;
    }

    /** How many Leases each live member leads, by identity. */
    private Map<String, Long> counts(Map<String, String> leaders) {
        Map<String, Long> counts = new TreeMap<>();
        live().forEach(member -> counts.put(member.identity, 0L));
        leaders.values().forEach(leader -> counts.merge(leader, 1L, Long::sum));
        return counts;
    }

    /** The settle bound: the spread must be even now, and stay so; with an absentee, no Lease may stay unled. */
    private void settled() {
        lastMoveBeforeSettle = lastMoveAt;
        if (withAbsentee()) {
            judgingGaps = true;
            schedule.leaseNames().forEach(this::leaderless);
            time.at(time.now() + hold, () -> finished = true);
            return;
        }
        settledLeaders = judgeSpread("at the settle bound, " + format(settleBound) + " after the quiet point "
                                     + format(quietAt));
        judgingMoves = true;
        time.at(time.now() + hold, () -> {
            judgeHeld("at the end of the hold");
            probe();
        });
    }

    private void judgeHeld(String when) {
        Map<String, String> now = judgeSpread(when);
        if (!failed() && !now.equals(settledLeaders)) {
            fail("spread", when + ": the leaders changed from " + settledLeaders + " to " + now);
        }
    }

    /** One change on the settled group, its moves counted. */
    private void probe() {
        List<SimulatedMember> live = live();
        SimulatedMember leaver = schedule.probe() == RebalancingSchedule.Probe.LEAVE && live.size() > 1
                ? live.get(random.nextInt(live.size())) : null;
        if (failed() || schedule.probe() == RebalancingSchedule.Probe.NONE
            || schedule.probe() == RebalancingSchedule.Probe.LEAVE && leaver == null) {
            finished = true;
            return;
        }
        countingMoves = !slotLeftBehind();
        Map<String, Long> counts = counts(settledLeaders);
        SimulatedMember newcomer = members.get(members.size() - 1);
        if (leaver != null) {
            fewestForProbe = counts.remove(leaver.identity);
            trace.line("probe", leaver.identity + " leaves");
            leaver.at(time.now(), () -> leaver.leave(-1));
        } else {
            counts.put(newcomer.identity, 0L);
            trace.line("probe", newcomer.identity + " joins");
            newcomer.at(time.now(), newcomer::join);
        }
        fewestForProbe += fewestMoves(counts);
        judgingMoves = false;
        probing = true;
        takenSinceProbe = 0;
        time.at(time.now() + probeBound, this::probeSettled);
    }

    /**
     * The fewest Leases that must change leader for the members leading {@code counts} to lead an even spread:
     * the r = L mod M larger shares go to the members leading most, and every Lease above a member's share moves.
     */
    static long fewestMoves(Map<String, Long> counts) {
        long l = counts.values().stream().mapToLong(Long::longValue).sum();
        List<Long> most = counts.values().stream().sorted((a, b) -> Long.compare(b, a)).toList();
        long q = l / most.size();
        long larger = l % most.size();
        long moves = 0;
        for (int i = 0; i < most.size(); i++) {
            moves += Math.max(0, most.get(i) - (i < larger ? q + 1 : q));
        }
        return moves;
    }

    private void probeSettled() {
        settledLeaders = judgeSpread("after the probe, at its bound " + format(probeBound));
        if (!failed() && countingMoves && takenSinceProbe != fewestForProbe) {
            fail("fewest", takenSinceProbe + " Leases were taken after the probe, where the fewest an even spread"
                           + " needs is " + fewestForProbe + " (leaders now " + counts(settledLeaders) + ")");
        }
        probing = false;
        judgingMoves = true;
        time.at(time.now() + hold, () -> {
            judgeHeld("at the end of the hold after the probe");
            finished = true;
        });
    }

    // ---- reports ----------------------------------------------------------------------------------------------

    /** What a failing schedule prints, as {@link FailureReport} does for the election's. */
    static String report(Result failing, RebalancingMutants mutant) {
        Rebalancing.Maker decisions = mutant == null ? REAL : mutant.maker();
        Result traced = run(failing.schedule(), decisions, FailureReport.TRACE_LINES);
        Result shrunk = Shrinker.smallest(failing, r -> r.failed() ? r.violation().rule() : null,
                r -> r.schedule().kept(), (r, fault) -> run(r.schedule().without(fault), decisions, 0), r -> r);
        Result shrunkTraced = run(shrunk.schedule(), decisions, FailureReport.TRACE_LINES);
        return FailureReport.text(shown(failing, traced, mutant), shown(shrunk, shrunkTraced, mutant));
    }

    private static FailureReport.Shown shown(Result result, Result traced, RebalancingMutants mutant) {
        return new FailureReport.Shown(result.schedule().key(), result.violation(), result.schedule().describe(),
                traced.trace(), command(result.schedule(), mutant));
    }

    static String command(RebalancingSchedule schedule, RebalancingMutants mutant) {
        return "mvn -B -o test -pl camel-k8s-leader -am -Dsurefire.failIfNoSpecifiedTests=false"
               + " -Dtest='RebalancingSimulationTest#theScheduleReplayed*' -Drebalancing.seed=" + schedule.key()
               + (mutant == null ? "" : " -Drebalancing.mutant=" + mutant);
    }
}

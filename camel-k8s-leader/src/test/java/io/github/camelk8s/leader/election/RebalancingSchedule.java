package io.github.camelk8s.leader.election;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.github.camelk8s.leader.election.Schedule.between;
import static io.github.camelk8s.leader.election.Schedule.format;
import static io.github.camelk8s.leader.election.VirtualTime.MILLIS;
import static io.github.camelk8s.leader.election.VirtualTime.SECONDS;

/**
 * One rebalancing run, drawn from a seed: a group of members spreading its Leases, then quiet, then a probe.
 * <ul>
 * <li>The members share one leaseDuration (the grace of their rebalancing, and what their slots and Leases write);
 * each draws its own renewDeadline, renewalInterval, retryPeriod, request timeout, clocks and leader-only work, as
 * the election simulator's pods do ({@link Schedule#pod}). Most start at once, some join later.</li>
 * <li>The changes, within a first stretch of the run: members leave gracefully or crash, each with or without a
 * return; are partitioned from the API server (their links cut or black-holed, for up to three leaseDurations, long
 * enough for their slot to expire) or paused; and the election simulator's other faults where they mean something
 * with many Leases: flaky, slow and stale links, dropped and lagging watches, etcd restores (every Lease at once),
 * a Lease deleted by hand (a slot or not), a wall-clock step. Leadership yields are left out: they are not
 * rebalancing.</li>
 * <li>In the {@link Family#ABSENTEE} family, one member takes part in no Lease at all (a pod of the group without
 * these routes): it holds its slot, so it counts in every member's spread, and never takes what the spread gives
 * it.</li>
 * <li>The probe, once the spread has settled and held: a newcomer joins, or a member leaves gracefully, or nothing;
 * the one change on a healthy group, whose moves can be counted against the fewest the even spread needs.</li>
 * </ul>
 * The same seed gives the same schedule; the run draws the rest (latencies, who fails how) from a second stream split
 * off the same seed, so a schedule is replayed from its {@link #key()} alone. Shrinking keeps a subset of the faults.
 *
 * @param seed      the seed it was drawn from
 * @param members   the members, processes 0..n-1, each joining at its startAt
 * @param newcomer  the probe's newcomer, process n, started only by a {@link Probe#JOIN}
 * @param leases    how many Leases the group spreads, {@link #lease(int) lease-0} up
 * @param absentee  the member that takes part in no Lease, or -1
 * @param generated every fault drawn from the seed (member changes included)
 * @param kept      the indexes of the faults in force (all, unless shrunk)
 * @param probe     the change once the spread has held
 */
record RebalancingSchedule(Family family, long seed, List<Schedule.PodSpec> members, Schedule.PodSpec newcomer,
        int leases, int absentee, List<Fault> generated, int[] kept, Probe probe) {

    /** The group: its member slots are g-member-0 up, member i holding slot i. */
    static final String GROUP = "g";
    static final int MAX_LEASES = 13;
    static final int MAX_MEMBERS = 5;

    /** How the schedules of a run are drawn. */
    enum Family {
        /** The default: every member takes part in every Lease. */
        MEMBERS,
        /** One member (of two or more) takes part in no Lease: it holds its slot and counts in every spread. */
        ABSENTEE
    }

    /** The one change on a settled group. */
    enum Probe {
        NONE,
        /** The newcomer joins. */
        JOIN,
        /** A live member (drawn at the time) leaves gracefully; with one live member, nothing happens. */
        LEAVE
    }

    // ---- drawing schedules ---------------------------------------------------------------------------------------

    static RebalancingSchedule generate(Family family, long seed) {
        SplittableRandom random = new SplittableRandom(seed).split();
        int n = family == Family.ABSENTEE ? 2 + random.nextInt(MAX_MEMBERS - 1) : 1 + random.nextInt(MAX_MEMBERS);
        int leases = 1 + random.nextInt(MAX_LEASES);
        long leaseDuration = Schedule.leaseDuration(random);
        // the changes happen within the first 2 to 5 leaseDurations
        long horizon = Math.max(3 * SECONDS, leaseDuration * between(random, 20, 50) / 10);
        List<Schedule.PodSpec> members = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Schedule.PodSpec pod = member(random, i, leaseDuration);
            members.add(i == 0 || random.nextInt(3) != 0 ? pod : joiningAt(pod, between(random, 0, horizon)));
        }
        Schedule.PodSpec newcomer = member(random, n, leaseDuration);
        int absentee = family == Family.ABSENTEE ? random.nextInt(n) : -1;
        List<Fault> faults = faults(random, n, absentee, leases, leaseDuration, horizon);
        int draw = random.nextInt(5);
        Probe probe = draw == 0 ? Probe.NONE : draw <= 2 ? Probe.JOIN : Probe.LEAVE;
        return new RebalancingSchedule(family, seed, List.copyOf(members), newcomer, leases, absentee, faults,
                all(faults), probe);
    }

    /** A pod of the election simulator, releasing on stop as a candidacy the rebalancing ends must. */
    private static Schedule.PodSpec member(SplittableRandom random, int index, long leaseDuration) {
        Schedule.PodSpec pod = Schedule.pod(random, index, leaseDuration, false);
        return new Schedule.PodSpec(pod.config().toBuilder().leaseName(lease(0)).releaseOnStop(true).build(),
                pod.requestTimeout(), pod.monotonicOffset(), pod.driftPpm(), pod.wallAtZero(), pod.startAt(),
                pod.stepGapMax(), pod.stepDurationMax());
    }

    private static Schedule.PodSpec joiningAt(Schedule.PodSpec pod, long at) {
        return new Schedule.PodSpec(pod.config(), pod.requestTimeout(), pod.monotonicOffset(), pod.driftPpm(),
                pod.wallAtZero(), at, pod.stepGapMax(), pod.stepDurationMax());
    }

    private static List<Fault> faults(SplittableRandom random, int n, int absentee, int leases, long leaseDuration,
                                      long horizon) {
        int count = random.nextInt(8) == 0 ? 0 : 1 + Math.min(11, (int) (-Math.log(random.nextDouble()) * 4));
        List<Fault> faults = new ArrayList<>();
        int takingPart = absentee < 0 ? n : n - 1;
        int permanentlyGone = 0;
        int resets = 0;
        long ld = leaseDuration;
        for (int i = 0; i < count; i++) {
            Fault.Kind kind = kind(random);
            long start = between(random, 200 * MILLIS, horizon);
            int member = random.nextInt(n);
            long span = between(random, 50 * MILLIS, 3 * ld / 2);
            int anyone = random.nextInt(5) == 0 ? Fault.EVERYONE : member;
            Fault fault = switch (kind) {
                // a partition: long enough, one time in three, for the member's slot to expire
                case CUT, BLACK_HOLE -> new Fault(kind, anyone, start, start + (random.nextInt(3) == 0
                        ? between(random, ld, 3 * ld) : span), 0);
                case PAUSE, FLAKY, SLOW, WATCH_DROP, WATCH_LAG, STALE_READS ->
                        Schedule.pauseOrLinkFault(kind, random, member, anyone, start, span, ld);
                case RESOURCE_VERSION_RESET -> resets++ < 2 ? new Fault(kind, Fault.EVERYONE, start, start, 0) : null;
                // the magnitude names the Lease: a work Lease, or a slot (the newcomer's too)
                case HAND_DELETE -> new Fault(kind, Fault.EVERYONE, start, start, random.nextInt(leases + n + 1));
                case WALL_JUMP -> new Fault(kind, member, start, start,
                        between(random, -3600 * SECONDS, 3600 * SECONDS));
                case STOP, CRASH -> {
                    // somebody stays: at least one member taking part in the Leases is live once the changes are over
                    boolean returns = random.nextInt(3) != 0 || member != absentee && permanentlyGone == takingPart - 1;
                    permanentlyGone += returns || member == absentee ? 0 : 1;
                    yield new Fault(kind, member, start, returns ? start + between(random, 100 * MILLIS, 3 * ld)
                            : start, 0);
                }
                case YIELD -> null;
            };
            if (fault != null) {
                faults.add(fault);
            }
        }
        return List.copyOf(faults);
    }

    /** Membership changes and partitions weigh more than in the election's schedules: they are what moves Leases. */
    private static Fault.Kind kind(SplittableRandom random) {
        // PAUSE, CUT, BLACK_HOLE, FLAKY, SLOW, WATCH_DROP, WATCH_LAG, STALE_READS, RESOURCE_VERSION_RESET, HAND_DELETE,
        // WALL_JUMP, STOP, CRASH, YIELD
        return Schedule.kind(random, new int[] { 8, 10, 6, 8, 6, 6, 4, 3, 2, 3, 2, 14, 14, 0 });
    }

    /** The generator the run draws from: split off the same seed after the schedule's own. */
    SplittableRandom runtimeRandom() {
        SplittableRandom root = new SplittableRandom(seed);
        root.split();
        return root.split();
    }

    private static int[] all(List<Fault> faults) {
        return IntStream.range(0, faults.size()).toArray();
    }

    // ---- what the run derives from it -------------------------------------------------------------------------

    static String lease(int index) {
        return "lease-" + index;
    }

    static String slot(int member) {
        return MemberSlots.slotName(GROUP, member);
    }

    List<String> leaseNames() {
        return IntStream.range(0, leases).mapToObj(RebalancingSchedule::lease).toList();
    }

    /** The slots of the members and the newcomer. */
    List<String> slotNames() {
        return IntStream.rangeClosed(0, members.size()).mapToObj(RebalancingSchedule::slot).toList();
    }

    /** The Lease a {@link Fault.Kind#HAND_DELETE} deletes. */
    String deleted(Fault fault) {
        int index = (int) fault.magnitude();
        return index < leases ? lease(index) : slot(index - leases);
    }

    List<Fault> faults() {
        return Arrays.stream(kept).mapToObj(generated::get).toList();
    }

    int processes() {
        return members.size() + 1;
    }

    Schedule.PodSpec spec(int process) {
        return process < members.size() ? members.get(process) : newcomer;
    }

    String identity(int process) {
        return spec(process).config().identity();
    }

    /** The group's leaseDuration: the grace of every member's rebalancing. */
    long leaseDuration() {
        return members.get(0).config().leaseDuration().toNanos();
    }

    /**
     * The bounds of every Lease's election: its candidates are the members and the newcomer, its faults this
     * schedule's.
     */
    SimulationInvariants.Bounds bounds() {
        return new Timings(quietAt(), members.size() + 1, longest(Schedule.PodSpec::requestTimeout),
                longest(p -> p.config().renewDeadline().toNanos()), longest(Schedule.PodSpec::leaseDurationWritten),
                longest(p -> p.config().retryPeriod().toNanos()), longest(p -> p.config().renewalInterval().toNanos()),
                longest(Schedule.PodSpec::stepDurationMax));
    }

    /** The bounds, as numbers. */
    private record Timings(long quietAt, int processes, long longestRequestTimeout, long longestRenewDeadline,
            long longestLeaseDurationWritten, long longestRetryPeriod, long longestRenewalInterval, long longestStep)
            implements SimulationInvariants.Bounds {
    }

    /** The longest of a timing among the members and the newcomer. */
    private long longest(ToLongFunction<Schedule.PodSpec> timing) {
        return Math.max(members.stream().mapToLong(timing).max().orElseThrow(), timing.applyAsLong(newcomer));
    }

    /** As in the election's schedules: how long a view may stay stale after an etcd restore. */
    private long restoreEffect() {
        return longest(Schedule.PodSpec::leaseDurationWritten) + longest(p -> p.config().retryPeriod().toNanos())
               + longest(Schedule.PodSpec::requestTimeout);
    }

    long effectEnd(Fault fault) {
        return Schedule.effectEnd(fault, restoreEffect());
    }

    /** Every member has joined, every change is over (returns included), every fault's effect is over. */
    long quietAt() {
        return Math.max(members.stream().mapToLong(Schedule.PodSpec::startAt).max().orElseThrow(),
                faults().stream().mapToLong(this::effectEnd).max().orElse(0));
    }

    // ---- shrinking and replay ---------------------------------------------------------------------------------

    RebalancingSchedule without(int faultIndex) {
        int[] fewer = Arrays.stream(kept).filter(i -> i != faultIndex).toArray();
        return new RebalancingSchedule(family, seed, members, newcomer, leases, absentee, generated, fewer, probe);
    }

    /** Replays this schedule: {@code -Drebalancing.seed=<key>}. */
    String key() {
        return (family == Family.MEMBERS ? "" : family + "/") + seed + (kept.length == generated.size() ? ""
                : ":f" + Arrays.stream(kept).mapToObj(Integer::toString).collect(Collectors.joining(".")));
    }

    static RebalancingSchedule parse(String key) {
        String[] parts = key.trim().split(":");
        String[] head = parts[0].split("/");
        RebalancingSchedule schedule = generate(head.length == 2 ? Family.valueOf(head[0]) : Family.MEMBERS,
                Long.parseLong(head[head.length - 1]));
        for (int i = 1; i < parts.length; i++) {
            if (!parts[i].startsWith("f")) {
                throw new IllegalArgumentException("Not a rebalancing schedule key: " + key);
            }
            int[] kept = parts[i].length() == 1 ? new int[0]
                    : Arrays.stream(parts[i].substring(1).split("\\.")).mapToInt(Integer::parseInt).toArray();
            schedule = new RebalancingSchedule(schedule.family, schedule.seed, schedule.members, schedule.newcomer,
                    schedule.leases, schedule.absentee, schedule.generated, kept, schedule.probe);
        }
        return schedule;
    }

    String describe() {
        StringBuilder text = new StringBuilder("schedule ").append(key()).append(": ")
                .append(members.size()).append(" members, ").append(leases).append(" Leases, ")
                .append(absentee < 0 ? "" : identity(absentee) + " taking part in none, ").append(kept.length)
                .append(" changes and faults, quiet from ").append(format(quietAt())).append(", then probe ")
                .append(probe).append('\n');
        members.forEach(p -> text.append("  ").append(p.describe()).append('\n'));
        text.append("  newcomer ").append(newcomer.describe()).append('\n');
        for (int i : kept) {
            Fault fault = generated.get(i);
            text.append("  fault ").append(i).append(": ").append(fault.describe(this::identity))
                    .append(fault.kind() == Fault.Kind.HAND_DELETE ? " " + deleted(fault) : "").append('\n');
        }
        return text.toString();
    }
}

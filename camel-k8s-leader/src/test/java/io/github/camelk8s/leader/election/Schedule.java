package io.github.camelk8s.leader.election;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.github.camelk8s.leader.election.VirtualTime.MILLIS;
import static io.github.camelk8s.leader.election.VirtualTime.SECONDS;

/**
 * One simulated run, drawn from a seed: the candidates (their timings, clocks and work), an optional client-go
 * candidate, and the faults with their times. The same seed gives the same schedule, and the run draws its
 * remaining choices (latencies, which way a request fails) from a second stream split off the same seed, so a
 * schedule is replayed from its {@link #key()} alone. Shrinking keeps a subset of the faults and may end the run
 * early; the key says which.
 *
 * @param family     how the schedule was drawn
 * @param seed       the seed it was drawn from
 * @param pods       our candidates, processes 0..n-1
 * @param clientGo   the client-go candidate, process n, or null
 * @param generated  every fault drawn from the seed
 * @param kept       the indexes of the faults in force (all, unless shrunk)
 * @param until      where the run is cut short (Long.MAX_VALUE: at its natural end)
 */
record Schedule(Family family, long seed, List<PodSpec> pods, ClientGoSpec clientGo, List<Fault> generated,
        int[] kept, long until) implements SimulationInvariants.Bounds {

    /** 2026-06-01T00:00:00Z: the wall clocks' origin, before skew. */
    static final long WALL_ORIGIN = Instant.parse("2026-06-01T00:00:00Z").getEpochSecond() * SECONDS;
    private static final long DAY = 86_400 * SECONDS;
    private static final long MAX_CANDIDATES = 7;

    /** How the schedules of a run are drawn. */
    enum Family {
        /**
         * The default: 2 to 7 candidates, any timings, any faults; a client-go candidate only with timings its
         * one-second view tolerates.
         */
        RANDOM,
        /**
         * Two candidates renewing every 150 ms with leaseDuration - renewDeadline = 0.5 s, a client-go follower,
         * and both candidates cut off at once: the follower may take over before the leader's validity ended.
         */
        SUB_SECOND_MARGIN,
        /** The same, with leaseDuration - renewDeadline = 1.3 s: more than the second a client-go follower misses. */
        WIDE_MARGIN,
        /** A 0.2 s margin, with renewals and retries 1 s apart: every write changes the whole second. */
        SECOND_APART_RENEWALS,
        /**
         * The same 0.2 s margin, renewals 1 s apart but retries 0.3 s apart: a renewal whose answer was lost is
         * retried within the same second.
         */
        SECOND_APART_RENEWALS_FAST_RETRIES
    }

    /**
     * One of our candidates.
     *
     * @param config          identity and election timings
     * @param requestTimeout  the client's request timeout
     * @param monotonicOffset what its System.nanoTime reads at virtual time 0
     * @param driftPpm        its clock rate's deviation, within {@link SimulatedClock#MAX_DRIFT_PPM}
     * @param wallAtZero      its wall clock at virtual time 0, epoch nanoseconds
     * @param startAt         when it starts
     * @param stepGapMax      its work loop tries a leader-only step every 1 ms to this
     * @param stepDurationMax a step takes 0 to this
     */
    record PodSpec(LeaderElectionConfig config, long requestTimeout, long monotonicOffset, long driftPpm,
            long wallAtZero, long startAt, long stepGapMax, long stepDurationMax) {

        long leaseDurationWritten() {
            return config.leaseDurationSeconds() * SECONDS;
        }

        String describe() {
            return String.format(Locale.ROOT, "%s leaseDuration=%s renewDeadline=%s retryPeriod=%s "
                                              + "renewalInterval=%s releaseOnStop=%s timeout=%s drift=%+.2f%% "
                                              + "wallSkew=%s start=%s steps every <%s for <%s",
                    config.identity(), format(config.leaseDuration()), format(config.renewDeadline()),
                    format(config.retryPeriod()), format(config.renewalInterval()), config.releaseOnStop(),
                    format(requestTimeout), driftPpm / 10_000.0, format(wallAtZero - WALL_ORIGIN), format(startAt),
                    format(stepGapMax), format(stepDurationMax));
        }
    }

    /**
     * The client-go candidate: its own leaseDuration (whole seconds), renewDeadline and retryPeriod, a request
     * timeout short enough that it keeps client-go's own rule (leaseDuration > renewDeadline + retryPeriod + the
     * time a renewal takes), release on cancel or not.
     */
    record ClientGoSpec(String identity, long leaseDuration, long renewDeadline, long retryPeriod,
            long requestTimeout, boolean releaseOnCancel, long driftPpm, long wallAtZero, long startAt) {

        String describe() {
            return String.format(Locale.ROOT, "%s (client-go) leaseDuration=%s renewDeadline=%s retryPeriod=%s "
                                              + "releaseOnCancel=%s timeout=%s drift=%+.2f%% start=%s",
                    identity, format(leaseDuration), format(renewDeadline), format(retryPeriod), releaseOnCancel,
                    format(requestTimeout), driftPpm / 10_000.0, format(startAt));
        }
    }

    // ---- drawing schedules ---------------------------------------------------------------------------------------

    static Schedule generate(Family family, long seed) {
        SplittableRandom random = new SplittableRandom(seed).split();
        return family == Family.RANDOM ? random(seed, random) : precision(family, seed, random);
    }

    /** The generator the run draws from: split off the same seed after the schedule's own. */
    SplittableRandom runtimeRandom() {
        SplittableRandom root = new SplittableRandom(seed);
        root.split();
        return root.split();
    }

    private static Schedule random(long seed, SplittableRandom random) {
        int n = 2 + random.nextInt((int) MAX_CANDIDATES - 1);
        boolean withClientGo = random.nextInt(4) == 0;
        boolean mixed = random.nextInt(4) == 0;
        long leaseDuration = leaseDuration(random);
        if (withClientGo) {
            // room for the margins its one-second view needs
            leaseDuration = Math.max(leaseDuration, 3 * SECONDS);
        }
        List<PodSpec> pods = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long shortest = withClientGo ? 3 * SECONDS : SECONDS;
            long own = mixed ? Math.max(shortest, leaseDuration * (1 + random.nextInt(4)) / 2 / MILLIS * MILLIS)
                    : leaseDuration;
            pods.add(pod(random, i, own, withClientGo));
        }
        ClientGoSpec clientGo = withClientGo ? clientGo(random, n, pods) : null;
        List<Fault> faults = faults(random, pods, clientGo);
        return new Schedule(Family.RANDOM, seed, List.copyOf(pods), clientGo, faults, all(faults), Long.MAX_VALUE);
    }

    /** 1 to 4 s: now and then whole seconds, mostly not (the Lease records whole seconds, rounded up). */
    static long leaseDuration(SplittableRandom random) {
        return random.nextInt(4) == 0 ? (1 + random.nextInt(4)) * SECONDS
                : between(random, 1000, 4000) / 10 * 10 * MILLIS;
    }

    /**
     * Our timings. With a client-go candidate in the election they are the ones its one-second view of the record
     * tolerates: leaseDuration - renewDeadline above 1 s plus the drift allowance, or every write of a leader at
     * least 1 s after its last (renewalInterval and retryPeriod, which paces the retry of a failed renewal, at 1 s
     * or more).
     */
    static PodSpec pod(SplittableRandom random, int index, long leaseDuration, boolean clientGoSafe) {
        long margin = driftAllowance(leaseDuration);
        long renewDeadline = between(random, leaseDuration * 45 / 100, leaseDuration - margin);
        long renewalInterval = between(random, Math.max(10 * MILLIS, renewDeadline / 10), renewDeadline / 2);
        long retryPeriod = between(random, Math.max(10 * MILLIS, renewDeadline / 10), renewDeadline * 7 / 10);
        if (clientGoSafe && !hasWideMargin(leaseDuration, renewDeadline)
            && Math.min(renewalInterval, retryPeriod) < SECONDS) {
            long wide = leaseDuration - SECONDS - margin - 10 * MILLIS;
            if (random.nextBoolean() && wide >= leaseDuration / 3) {
                renewDeadline = between(random, leaseDuration / 3, wide);
                renewalInterval = Math.min(renewalInterval, renewDeadline / 2);
                retryPeriod = Math.min(retryPeriod, renewDeadline * 7 / 10);
            } else {
                renewDeadline = between(random, Math.max(renewDeadline, 2 * SECONDS + 50 * MILLIS),
                        leaseDuration - margin);
                renewalInterval = between(random, SECONDS, renewDeadline / 2);
                retryPeriod = between(random, SECONDS, renewDeadline * 7 / 10);
            }
        }
        LeaderElectionConfig config = config(index, leaseDuration, renewDeadline, retryPeriod, renewalInterval,
                random.nextInt(10) != 0);
        long startAt = random.nextInt(10) < 7 ? between(random, 0, 300 * MILLIS) : between(random, 0, 2 * SECONDS);
        return new PodSpec(config, between(random, renewDeadline * 15 / 100, renewDeadline * 13 / 10),
                monotonicOffset(random), drift(random), WALL_ORIGIN + wallSkew(random), startAt,
                between(random, 30 * MILLIS, 500 * MILLIS), between(random, MILLIS, renewDeadline / 2));
    }

    /** Room for clocks that drift apart by twice {@link SimulatedClock#MAX_DRIFT_PPM}, with some to spare. */
    private static long driftAllowance(long leaseDuration) {
        return leaseDuration * 4 / 100;
    }

    /** Whether a client-go follower, up to a second behind on this leader's writes, still waits long enough. */
    private static boolean hasWideMargin(long leaseDuration, long renewDeadline) {
        return leaseDuration - renewDeadline > SECONDS + driftAllowance(leaseDuration);
    }

    /**
     * A client-go candidate whose leaseDuration is at least every candidate's (it times expiry with its own, not the
     * holder's) and whose renewDeadline, retryPeriod and request timeout fit client-go's own safety rule with the
     * drift bound to spare: it leads until renewDeadline after the first failing renewal round begins, retryPeriod
     * after its last success.
     */
    private static ClientGoSpec clientGo(SplittableRandom random, int index, List<PodSpec> pods) {
        long longest = pods.stream().mapToLong(PodSpec::leaseDurationWritten).max().orElseThrow();
        long leaseDuration = longest + (random.nextInt(3) == 0 ? SECONDS : 0);
        long retryPeriod = between(random, leaseDuration / 10, leaseDuration / 5);
        long timeout = between(random, leaseDuration / 20, leaseDuration / 8);
        long renewDeadline = leaseDuration * 93 / 100 - retryPeriod - timeout;
        return new ClientGoSpec("client-go-" + index, leaseDuration, renewDeadline, retryPeriod, timeout,
                random.nextInt(10) < 7, drift(random), WALL_ORIGIN + wallSkew(random),
                between(random, 0, 2 * SECONDS));
    }

    private static List<Fault> faults(SplittableRandom random, List<PodSpec> pods, ClientGoSpec clientGo) {
        int n = pods.size();
        int processes = n + (clientGo == null ? 0 : 1);
        long longest = pods.stream().mapToLong(p -> p.config().leaseDuration().toNanos()).max().orElseThrow();
        long horizon = Math.max(5 * SECONDS / 2, longest * between(random, 12, 25) / 10);
        int count = random.nextInt(10) == 0 ? 0 : 1 + Math.min(11, (int) (-Math.log(random.nextDouble()) * 4));
        List<Fault> faults = new ArrayList<>();
        int permanentStops = 0;
        int resets = 0;
        // A Lease deleted by hand is re-created at once, maybe within the second of the holder's last write: a
        // client-go follower sees no change then, which only a margin above one second absorbs.
        boolean deletable = clientGo == null || pods.stream().allMatch(p -> hasWideMargin(
                p.config().leaseDuration().toNanos(), p.config().renewDeadline().toNanos()));
        for (int i = 0; i < count; i++) {
            Fault.Kind kind = kind(random);
            long start = between(random, 200 * MILLIS, horizon);
            int pod = random.nextInt(n);
            long ld = pods.get(pod).config().leaseDuration().toNanos();
            long span = between(random, 50 * MILLIS, 3 * ld / 2);
            int anyone = random.nextInt(5) == 0 ? Fault.EVERYONE : random.nextInt(processes);
            Fault fault = switch (kind) {
                case PAUSE, CUT, BLACK_HOLE, FLAKY, SLOW, WATCH_DROP, WATCH_LAG, STALE_READS ->
                        pauseOrLinkFault(kind, random, pod, anyone, start, span, ld);
                case RESOURCE_VERSION_RESET -> resets++ < 2 ? new Fault(kind, Fault.EVERYONE, start, start, 0) : null;
                case HAND_DELETE -> deletable ? new Fault(kind, Fault.EVERYONE, start, start, 0) : null;
                case WALL_JUMP -> new Fault(kind, pod, start, start, clientGo != null
                        ? between(random, MILLIS, 3600 * SECONDS) : between(random, -3600 * SECONDS, 3600 * SECONDS));
                case STOP, CRASH -> {
                    int target = kind == Fault.Kind.STOP ? random.nextInt(processes) : pod;
                    boolean restarts = random.nextInt(5) != 0 || target == n || permanentStops == n - 1;
                    permanentStops += restarts ? 0 : 1;
                    yield new Fault(kind, target, start, restarts ? start + between(random, 100 * MILLIS, 3 * ld / 2)
                            : start, 0);
                }
                case YIELD -> {
                    long duration = between(random, 100 * MILLIS, 3 * ld / 2);
                    yield new Fault(kind, pod, start, start + duration, duration);
                }
            };
            if (fault != null) {
                faults.add(fault);
            }
        }
        return List.copyOf(faults);
    }

    /**
     * The faults drawn alike in every family of schedules: a pause of {@code pod} for up to twice {@code ld}, and the
     * link faults of {@code anyone} (a process, or everyone) for {@code span}, with their magnitudes.
     */
    static Fault pauseOrLinkFault(Fault.Kind kind, SplittableRandom random, int pod, int anyone, long start, long span,
                                  long ld) {
        return switch (kind) {
            case PAUSE -> new Fault(kind, pod, start, start + (random.nextBoolean()
                    ? between(random, 5 * MILLIS, ld) : between(random, ld, 2 * ld)), 0);
            case CUT, BLACK_HOLE -> new Fault(kind, anyone, start, start + span, 0);
            case FLAKY -> new Fault(kind, anyone, start, start + span, between(random, 200, 1000));
            case SLOW -> new Fault(kind, anyone, start, start + span, between(random, 5 * MILLIS, ld * 3 / 2));
            case WATCH_DROP -> new Fault(kind, pod, start, start + span, 0);
            case WATCH_LAG -> new Fault(kind, random.nextBoolean() ? pod : Fault.EVERYONE, start, start + span,
                    between(random, 50 * MILLIS, ld));
            case STALE_READS -> new Fault(kind, Fault.EVERYONE, start, start + span, between(random, 10 * MILLIS, ld));
            default -> throw new IllegalArgumentException(kind + " is neither a pause nor a link fault");
        };
    }

    private static Fault.Kind kind(SplittableRandom random) {
        return kind(random, new int[] { 12, 10, 8, 12, 10, 8, 6, 6, 3, 3, 4, 8, 5, 6 });
    }

    /** A kind of fault, each drawn with its weight, in the order of {@link Fault.Kind}. */
    static Fault.Kind kind(SplittableRandom random, int[] weights) {
        int pick = random.nextInt(Arrays.stream(weights).sum());
        for (int i = 0; i < weights.length; i++) {
            pick -= weights[i];
            if (pick < 0) {
                return Fault.Kind.values()[i];
            }
        }
        throw new IllegalStateException();
    }

    /**
     * The client-go precision families: two candidates (ours) lead in turn; a client-go follower polls; at a random
     * moment both candidates are cut off from the API server for good, so the follower is the one to take over,
     * and the question is whether it waits until the leader's validity has ended.
     */
    private static Schedule precision(Family family, long seed, SplittableRandom random) {
        boolean secondApart = family == Family.SECOND_APART_RENEWALS
                              || family == Family.SECOND_APART_RENEWALS_FAST_RETRIES;
        long leaseDuration = family == Family.WIDE_MARGIN ? 3 * SECONDS : 2 * SECONDS;
        long renewDeadline = family == Family.WIDE_MARGIN ? 1700 * MILLIS : secondApart ? 1800 * MILLIS
                : 1500 * MILLIS;
        long renewalInterval = secondApart ? SECONDS : 150 * MILLIS;
        long retryPeriod = family == Family.SECOND_APART_RENEWALS ? SECONDS : 300 * MILLIS;
        List<PodSpec> pods = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            pods.add(new PodSpec(config(i, leaseDuration, renewDeadline, retryPeriod, renewalInterval, true),
                    300 * MILLIS, monotonicOffset(random), drift(random), WALL_ORIGIN + wallSkew(random),
                    between(random, 0, 200 * MILLIS), between(random, 30 * MILLIS, 300 * MILLIS),
                    between(random, MILLIS, 200 * MILLIS)));
        }
        ClientGoSpec clientGo = new ClientGoSpec("client-go-2", leaseDuration, leaseDuration / 2,
                leaseDuration / 8, leaseDuration / 10, true, drift(random), WALL_ORIGIN + wallSkew(random),
                between(random, SECONDS, 2 * SECONDS));
        long cut = between(random, 3 * SECONDS, 5 * SECONDS);
        // requests fail now and then before the cut: some renewals are retried
        List<Fault> faults = List.of(new Fault(Fault.Kind.FLAKY, Fault.EVERYONE, SECONDS, cut, 300),
                new Fault(Fault.Kind.CUT, 0, cut, cut + 3 * leaseDuration, 0),
                new Fault(Fault.Kind.CUT, 1, cut, cut + 3 * leaseDuration, 0));
        return new Schedule(family, seed, List.copyOf(pods), clientGo, faults, all(faults), Long.MAX_VALUE);
    }

    private static LeaderElectionConfig config(int index, long leaseDuration, long renewDeadline, long retryPeriod,
                                               long renewalInterval, boolean releaseOnStop) {
        return LeaderElectionConfig.builder().namespace("sim").leaseName("lease").identity("pod-" + index)
                .leaseDuration(Duration.ofNanos(leaseDuration)).renewDeadline(Duration.ofNanos(renewDeadline))
                .retryPeriod(Duration.ofNanos(retryPeriod)).renewalInterval(Duration.ofNanos(renewalInterval))
                .releaseOnStop(releaseOnStop).build();
    }

    /** Any origin; now and then one that wraps around during the run, as System.nanoTime may. */
    private static long monotonicOffset(SplittableRandom random) {
        return random.nextInt(7) == 0 ? Long.MAX_VALUE - between(random, 0, 20 * SECONDS) : random.nextLong();
    }

    private static long drift(SplittableRandom random) {
        return random.nextInt(5) == 0 ? 0
                : between(random, -SimulatedClock.MAX_DRIFT_PPM, SimulatedClock.MAX_DRIFT_PPM);
    }

    /** Skew of any size: none, NTP-close, badly set, days off, or decades off. */
    private static long wallSkew(SplittableRandom random) {
        return switch (random.nextInt(10)) {
            case 0, 1, 2, 3 -> between(random, -500 * MILLIS, 500 * MILLIS);
            case 4, 5 -> between(random, -5 * SECONDS, 5 * SECONDS);
            case 6, 7 -> between(random, -3 * DAY, 3 * DAY);
            case 8 -> between(random, -30 * 365 * DAY, 30 * 365 * DAY);
            default -> 0;
        };
    }

    static long between(SplittableRandom random, long low, long high) {
        return high <= low ? low : low + random.nextLong(high - low + 1);
    }

    private static int[] all(List<Fault> faults) {
        return IntStream.range(0, faults.size()).toArray();
    }

    // ---- what the run derives from it -------------------------------------------------------------------------

    List<Fault> faults() {
        return Arrays.stream(kept).mapToObj(generated::get).toList();
    }

    @Override
    public int processes() {
        return pods.size() + (clientGo == null ? 0 : 1);
    }

    String identity(int process) {
        return process < pods.size() ? pods.get(process).config().identity() : clientGo.identity();
    }

    @Override
    public long longestRequestTimeout() {
        long ours = pods.stream().mapToLong(PodSpec::requestTimeout).max().orElseThrow();
        return clientGo == null ? ours : Math.max(ours, clientGo.requestTimeout());
    }

    /** The longest term any holder writes (the Lease records whole seconds): what followers wait at most. */
    @Override
    public long longestLeaseDurationWritten() {
        long ours = pods.stream().mapToLong(PodSpec::leaseDurationWritten).max().orElseThrow();
        return clientGo == null ? ours : Math.max(ours, clientGo.leaseDuration());
    }

    @Override
    public long longestRenewDeadline() {
        long ours = pods.stream().mapToLong(p -> p.config().renewDeadline().toNanos()).max().orElseThrow();
        return clientGo == null ? ours : Math.max(ours, clientGo.renewDeadline());
    }

    @Override
    public long longestRetryPeriod() {
        long ours = pods.stream().mapToLong(p -> p.config().retryPeriod().toNanos()).max().orElseThrow();
        return clientGo == null ? ours : Math.max(ours, clientGo.retryPeriod());
    }

    @Override
    public long longestRenewalInterval() {
        return pods.stream().mapToLong(p -> p.config().renewalInterval().toNanos()).max().orElseThrow();
    }

    @Override
    public long longestStep() {
        return pods.stream().mapToLong(PodSpec::stepDurationMax).max().orElseThrow();
    }

    /**
     * How long a view of the Lease may stay stale after an etcd restore: a follower whose watch events now carry
     * lower resourceVersions than it knows drops them until its expiry timer makes it write (409) and read.
     */
    long restoreEffect() {
        return longestLeaseDurationWritten() + longestRetryPeriod() + longestRequestTimeout();
    }

    /** When the fault's effect is over: the end of a link fault, a pause or a yield, a restart, a restore noticed. */
    long effectEnd(Fault fault) {
        return effectEnd(fault, restoreEffect());
    }

    /** As {@link #effectEnd(Fault)}, where a view may stay stale for {@code restoreEffect} after an etcd restore. */
    static long effectEnd(Fault fault, long restoreEffect) {
        return fault.kind() == Fault.Kind.RESOURCE_VERSION_RESET ? fault.start() + restoreEffect : fault.end();
    }

    /** The moment the last fault's effect is over and every process has started: liveness is judged from here. */
    @Override
    public long quietAt() {
        long quiet = pods.stream().mapToLong(PodSpec::startAt).max().orElseThrow();
        if (clientGo != null) {
            quiet = Math.max(quiet, clientGo.startAt());
        }
        for (Fault f : faults()) {
            quiet = Math.max(quiet, effectEnd(f));
        }
        return quiet;
    }

    // ---- shrinking and replay ---------------------------------------------------------------------------------

    Schedule without(int faultIndex) {
        int[] fewer = Arrays.stream(kept).filter(i -> i != faultIndex).toArray();
        return new Schedule(family, seed, pods, clientGo, generated, fewer, until);
    }

    Schedule cutAt(long time) {
        return new Schedule(family, seed, pods, clientGo, generated, kept, time);
    }

    /** Replays this schedule: {@code -Dsimulation.seed=<key>}. */
    String key() {
        StringBuilder key = new StringBuilder();
        if (family != Family.RANDOM) {
            key.append(family).append('/');
        }
        key.append(seed);
        if (kept.length != generated.size()) {
            key.append(":f").append(Arrays.stream(kept).mapToObj(Integer::toString).collect(Collectors.joining(".")));
        }
        if (until != Long.MAX_VALUE) {
            key.append(":u").append(until / MILLIS);
        }
        return key.toString();
    }

    static Schedule parse(String key) {
        String[] parts = key.trim().split(":");
        String[] head = parts[0].split("/");
        Family family = head.length == 2 ? Family.valueOf(head[0]) : Family.RANDOM;
        Schedule schedule = generate(family, Long.parseLong(head[head.length - 1]));
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i];
            if (part.startsWith("f")) {
                int[] kept = part.length() == 1 ? new int[0]
                        : Arrays.stream(part.substring(1).split("\\.")).mapToInt(Integer::parseInt).toArray();
                schedule = new Schedule(family, schedule.seed, schedule.pods, schedule.clientGo, schedule.generated,
                        kept, schedule.until);
            } else if (part.startsWith("u")) {
                schedule = schedule.cutAt(Long.parseLong(part.substring(1)) * MILLIS);
            } else {
                throw new IllegalArgumentException("Not a schedule key: " + key);
            }
        }
        return schedule;
    }

    String describe() {
        StringBuilder text = new StringBuilder("schedule ").append(key()).append(": ").append(pods.size())
                .append(" candidates").append(clientGo == null ? "" : " and a client-go candidate").append(", ")
                .append(kept.length).append(" faults, quiet from ").append(format(quietAt()))
                .append(until == Long.MAX_VALUE ? "" : ", cut at " + format(until)).append('\n');
        pods.forEach(p -> text.append("  ").append(p.describe()).append('\n'));
        if (clientGo != null) {
            text.append("  ").append(clientGo.describe()).append('\n');
        }
        for (int i : kept) {
            text.append("  fault ").append(i).append(": ").append(generated.get(i).describe(this::identity))
                    .append('\n');
        }
        return text.toString();
    }

    static String format(Duration duration) {
        return format(duration.toNanos());
    }

    static String format(long nanos) {
        long abs = Math.abs(nanos);
        if (abs >= DAY) {
            return String.format(Locale.ROOT, "%.1fd", nanos / (double) DAY);
        }
        if (abs >= SECONDS) {
            return String.format(Locale.ROOT, "%.3fs", nanos / (double) SECONDS);
        }
        return String.format(Locale.ROOT, "%.1fms", nanos / (double) MILLIS);
    }
}

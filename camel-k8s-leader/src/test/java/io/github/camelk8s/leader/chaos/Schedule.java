package io.github.camelk8s.leader.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A fault schedule for one chaos run, generated from a seed: how many pods, how far each pod's wall clock is off,
 * and which faults strike whom, when and for how long. The same seed always gives the same schedule, so a failing
 * run can be replayed with {@code -Dchaos.seed=<seed>}. (Which pod is "the leader" when a fault strikes is decided
 * during the run, so a replay is the same schedule, not necessarily the same interleaving.)
 */
record Schedule(long seed, int pods, List<Duration> wallSkews, List<Episode> episodes) {

    /** The kinds of fault; see {@link ChaosRun} for how each is applied. */
    enum Kind {
        /** Extra round-trip time on the pod's network, sometimes longer than renewDeadline. */
        LATENCY,
        /** The API server answers the pod with 500, 503 or 429, at once or after a while. */
        SERVER_ERROR,
        /** The API server answers the pod's writes with 409, as if someone else had always just written. */
        CONFLICT,
        /** The API server never answers the pod's requests: each hangs until the client's request timeout. */
        HANG,
        /** Nothing gets through the pod's network; requests hang, held bytes arrive when it heals. */
        PARTITION,
        /** The pod's connections are reset and new ones refused: fails fast. */
        RESET,
        /** The pod's watch connections deliver nothing while the client believes it is watching. */
        WATCH_STALL,
        /** The pod's watch connections are closed and cannot be re-established. */
        WATCH_DROP,
        /** The pod freezes, as in a stop-the-world GC pause, sometimes for longer than leaseDuration. */
        PAUSE,
        /** The whole API server goes down and comes back on the same port with the same state. */
        OUTAGE
    }

    /** Whom a fault strikes: decided when it strikes. */
    enum Target {
        LEADER,
        FOLLOWER,
        EVERYONE
    }

    /**
     * One fault: {@code kind} on {@code target}, from {@code atMillis} after the pods have started, for
     * {@code forMillis}. {@code amount}: the round trip for LATENCY, the status code for SERVER_ERROR.
     * {@code slowMillis}: how long a SERVER_ERROR answer takes. {@code writesOnly}: only Lease writes are hit
     * (SERVER_ERROR, HANG).
     */
    record Episode(long atMillis, long forMillis, Kind kind, Target target, int amount, int slowMillis,
            boolean writesOnly) {

        long endMillis() {
            return atMillis + forMillis;
        }

        @Override
        public String toString() {
            String what = switch (kind) {
                case LATENCY -> "LATENCY " + amount + "ms";
                case SERVER_ERROR -> "SERVER_ERROR " + amount + (slowMillis > 0 ? " after " + slowMillis + "ms" : "")
                                     + (writesOnly ? " on writes" : "");
                case HANG -> "HANG" + (writesOnly ? " writes" : "");
                default -> kind.name();
            };
            return String.format("%5d..%5dms %s on %s", atMillis, endMillis(), what, target);
        }
    }

    static Schedule generate(long seed) {
        Random random = new Random(seed);
        int pods = 3 + random.nextInt(3);
        List<Duration> skews = new ArrayList<>();
        for (int i = 0; i < pods; i++) {
            skews.add(Duration.ofMillis(random.nextInt(10_001) - 5_000));
        }
        List<Episode> episodes = new ArrayList<>();
        int count = 2 + random.nextInt(3);
        long at = 300 + random.nextInt(700);
        long lifted = 0;
        for (int i = 0; i < count; i++) {
            Episode episode = episode(random, at);
            if (episode.forMillis() >= LONG_MILLIS && episode.atMillis() < lifted) {
                // a long fault strikes alone, so that the checker can see whether the other pods carry on without
                // the sick one
                episode = new Episode(lifted + 300, episode.forMillis(), episode.kind(), episode.target(),
                        episode.amount(), episode.slowMillis(), episode.writesOnly());
            }
            episodes.add(episode);
            lifted = Math.max(lifted, episode.endMillis());
            // the next fault may begin before this one is lifted, unless this one is long
            at = episode.forMillis() >= LONG_MILLIS ? episode.endMillis() + 300 + random.nextInt(1000)
                    : episode.atMillis() + 500 + random.nextInt(2500);
        }
        return new Schedule(seed, pods, List.copyOf(skews), List.copyOf(episodes));
    }

    /** A fault at least this long outlasts the takeover bound of every kind (6.4 s for the slowest latency). */
    static final int LONG_MILLIS = 6500;

    private static final Kind[] WEIGHTED_KINDS = {
            Kind.LATENCY, Kind.LATENCY, Kind.SERVER_ERROR, Kind.CONFLICT, Kind.HANG, Kind.PARTITION, Kind.PARTITION,
            Kind.RESET, Kind.WATCH_STALL, Kind.WATCH_DROP, Kind.PAUSE, Kind.PAUSE, Kind.PAUSE, Kind.OUTAGE };

    private static Episode episode(Random random, long at) {
        Kind kind = WEIGHTED_KINDS[random.nextInt(WEIGHTED_KINDS.length)];
        // one fault in four is long enough to check that the other pods take over while it lasts
        long duration = random.nextInt(4) == 0 ? LONG_MILLIS + random.nextInt(2000) : 500 + random.nextInt(3500);
        Target target = switch (kind) {
            case OUTAGE -> Target.EVERYONE;
            case PAUSE -> random.nextInt(5) == 0 ? Target.FOLLOWER : Target.LEADER;
            default -> {
                int pick = random.nextInt(10);
                yield pick < 5 ? Target.LEADER : pick < 8 ? Target.FOLLOWER : Target.EVERYONE;
            }
        };
        int amount = 0;
        int slow = 0;
        boolean writesOnly = false;
        switch (kind) {
            // half of the time longer than renewDeadline (1.5 s), always shorter than the request timeout (2 s)
            case LATENCY -> amount = random.nextBoolean() ? 200 + random.nextInt(1200) : 1550 + random.nextInt(350);
            case SERVER_ERROR -> {
                amount = new int[] { 500, 503, 429 }[random.nextInt(3)];
                slow = random.nextBoolean() ? 0 : 100 + random.nextInt(900);
                writesOnly = random.nextBoolean();
            }
            case HANG -> writesOnly = random.nextBoolean();
            // a pause is as likely to outlast leaseDuration (2 s) as not
            case PAUSE -> duration = duration >= LONG_MILLIS ? duration
                    : random.nextBoolean() ? 300 + random.nextInt(1700) : 2100 + random.nextInt(1900);
            default -> {
            }
        }
        return new Episode(at, duration, kind, target, amount, slow, writesOnly);
    }

    /** The fault-free time after the last fault in which the run checks recovery. */
    long faultsEndMillis() {
        return episodes.stream().mapToLong(Episode::endMillis).max().orElse(0);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("schedule seed=" + seed + ", " + pods + " pods, wall clock skews "
                                               + wallSkews.stream().map(d -> d.toMillis() + "ms").toList());
        for (Episode episode : episodes) {
            text.append("\n    ").append(episode);
        }
        return text.toString();
    }
}

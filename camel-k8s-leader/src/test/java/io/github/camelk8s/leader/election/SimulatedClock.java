package io.github.camelk8s.leader.election;

import java.time.Instant;

/**
 * One simulated process's clocks, driven by the virtual timeline: {@code local = offset + rate * virtual}, the same
 * rate for its monotonic and its wall clock (one oscillator), an arbitrary monotonic offset (System.nanoTime has no
 * origin, and may wrap) and a wall clock skewed by any amount, which may jump. The rate stays within
 * {@link #MAX_DRIFT_PPM} of the true rate: the election's margins (renewDeadline against leaseDuration) are only
 * meant to absorb drift that small.
 */
final class SimulatedClock implements ElectionClock {

    /** The drift bound: one percent, either way. */
    static final long MAX_DRIFT_PPM = 10_000;
    private static final long MILLION = 1_000_000;
    /** Beyond this a delay is past the end of any run, and exact conversion would overflow. */
    private static final long FAR = 1_000 * VirtualTime.SECONDS;

    private final VirtualTime time;
    private final long monotonicOffset;
    private final long driftPpm;
    private long wallOffsetNanos;

    SimulatedClock(VirtualTime time, long monotonicOffset, long driftPpm, long wallEpochNanosAtZero) {
        if (Math.abs(driftPpm) > MAX_DRIFT_PPM) {
            throw new IllegalArgumentException("drift " + driftPpm + " ppm is outside the bound " + MAX_DRIFT_PPM);
        }
        this.time = time;
        this.monotonicOffset = monotonicOffset;
        this.driftPpm = driftPpm;
        this.wallOffsetNanos = wallEpochNanosAtZero;
    }

    @Override
    public long nanoTime() {
        return monotonicOffset + local(time.now());
    }

    @Override
    public Instant now() {
        long epochNanos = wallOffsetNanos + local(time.now());
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, VirtualTime.SECONDS),
                Math.floorMod(epochNanos, VirtualTime.SECONDS));
    }

    /** An NTP step: the wall clock moves by {@code nanos}, the monotonic clock does not. */
    void jumpWall(long nanos) {
        wallOffsetNanos += nanos;
    }

    /** The shortest virtual delay after which this clock has advanced by at least {@code localDelay}. */
    long virtualDelay(long localDelay) {
        if (localDelay <= 0) {
            return 0;
        }
        if (localDelay > FAR) {
            return localDelay;
        }
        long from = local(time.now());
        long delay = localDelay * MILLION / (MILLION + driftPpm);
        while (local(time.now() + delay) - from < localDelay) {
            delay++;
        }
        while (delay > 0 && local(time.now() + delay - 1) - from >= localDelay) {
            delay--;
        }
        return delay;
    }

    /** The virtual instant at which {@link #nanoTime()} reads {@code localNanos} (it may have passed). */
    long virtualTimeOf(long localNanos) {
        long ahead = localNanos - nanoTime();
        return ahead >= 0 ? time.now() + virtualDelay(ahead) : time.now() - virtualDelay(-ahead);
    }

    private long local(long virtual) {
        return virtual + Math.floorDiv(virtual * driftPpm, MILLION);
    }
}

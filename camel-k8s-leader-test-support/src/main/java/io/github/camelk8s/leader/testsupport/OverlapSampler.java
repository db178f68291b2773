package io.github.camelk8s.leader.testsupport;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Samples two electors' beliefs that they lead, from a thread of its own, about every 200 µs: an overlap is a
 * sample in which both believe it. For electors of different implementations on one Lease (ours and fabric8's),
 * whose events cannot be put on one timeline.
 */
public final class OverlapSampler {

    private final BooleanSupplier first;
    private final BooleanSupplier second;
    private final AtomicLong samples = new AtomicLong();
    private final AtomicInteger overlaps = new AtomicInteger();
    private volatile boolean running = true;
    private final Thread thread;

    public OverlapSampler(BooleanSupplier first, BooleanSupplier second) {
        this.first = first;
        this.second = second;
        this.thread = new Thread(this::sample, "overlap-sampler");
        this.thread.setDaemon(true);
    }

    private void sample() {
        while (running) {
            if (first.getAsBoolean() && second.getAsBoolean()) {
                overlaps.incrementAndGet();
            }
            samples.incrementAndGet();
            LockSupport.parkNanos(200_000);
        }
    }

    public void start() {
        thread.start();
    }

    public void stop() throws InterruptedException {
        running = false;
        thread.join(5000);
    }

    public long samples() {
        return samples.get();
    }

    public int overlaps() {
        return overlaps.get();
    }
}

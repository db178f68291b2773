package io.github.camelk8s.leader.pods;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.camelk8s.leader.election.ElectionClock;
import org.apache.camel.Processor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The steps of a test route, as they begin: each {@link #step(String) step} records its name and when it began on
 * the pod's election clock (the clock its elector judges validity with) and on {@link System#nanoTime()}. One
 * step can be {@link #holdAt(int) held}: it waits until {@link #release()}, so a test can cut a leader off, or
 * make it step down, while that step is in flight. The held step does not heed interrupts, like work that cannot
 * be cancelled: only the test ends it.
 */
public final class StepRecorder {

    /** A step that began: its name and when, by the pod's election clock and by {@link System#nanoTime()}. */
    public record Step(String name, long clockNanos, long nanos) {
    }

    private final ElectionClock clock;
    private final List<Step> steps = new CopyOnWriteArrayList<>();
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile int holdAt;
    private volatile long heldStepEnd;

    public StepRecorder(ElectionClock clock) {
        this.clock = clock;
    }

    /** Holds the n-th step to begin (1 for the first) until {@link #release()}. */
    public StepRecorder holdAt(int ordinal) {
        holdAt = ordinal;
        return this;
    }

    /** A processor that records itself as one step named {@code name}. */
    public Processor step(String name) {
        return exchange -> {
            int ordinal;
            synchronized (steps) {
                steps.add(new Step(name, clock.nanoTime(), System.nanoTime()));
                ordinal = steps.size();
            }
            if (ordinal == holdAt) {
                held.countDown();
                awaitUninterruptibly(released);
                heldStepEnd = System.nanoTime();
            }
        };
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until the held step has begun. */
    public void awaitHeld() throws InterruptedException {
        assertThat(held.await(Pods.PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("the held step began").isTrue();
    }

    public void release() {
        released.countDown();
    }

    /** When the held step ended, by {@link System#nanoTime()}; 0 while it runs. */
    public long heldStepEnd() {
        return heldStepEnd;
    }

    public List<Step> steps() {
        return List.copyOf(steps);
    }

    public List<String> names() {
        return steps.stream().map(Step::name).toList();
    }
}

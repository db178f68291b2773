package io.github.camelk8s.leader.election;

import java.util.concurrent.RejectedExecutionException;

/**
 * One task kept due at the earliest instant a driver needs it (a slot's expiry, a grace's end): events that leave
 * the instant unchanged leave the scheduled task alone, so a burst of them does not churn the timer. Not
 * thread-safe: its driver calls it under its own lock, and the task takes that lock too.
 */
final class DueTask {

    private final ElectionScheduler scheduler;
    private final Runnable task;
    private ElectionScheduler.Scheduled scheduled;
    private long due;

    DueTask(ElectionScheduler scheduler, Runnable task) {
        this.scheduler = scheduler;
        this.task = task;
    }

    /** Keeps the task due at local time {@code dueNanos} ({@code Long.MAX_VALUE}: never), {@code nowNanos} now. */
    void dueAt(long dueNanos, long nowNanos) {
        if (scheduled != null && due == dueNanos) {
            return;
        }
        cancel();
        if (dueNanos == Long.MAX_VALUE) {
            return;
        }
        try {
            scheduled = scheduler.schedule(task, dueNanos - nowNanos);
            due = dueNanos;
        } catch (RejectedExecutionException e) {
            // the factory is closed, and stops the driver
        }
    }

    void cancel() {
        if (scheduled != null) {
            scheduled.cancel();
            scheduled = null;
        }
    }

    /** The task has run: the next {@link #dueAt} schedules it again even for the same instant. */
    void ran() {
        scheduled = null;
    }
}

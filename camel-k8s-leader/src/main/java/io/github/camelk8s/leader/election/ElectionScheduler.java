package io.github.camelk8s.leader.election;

/**
 * Runs the decision core's timers: the factory's timing thread in production, virtual time in tests and in the
 * simulator. Tasks must not block: the driver's timer tasks only feed the core, never call the API.
 */
@FunctionalInterface
interface ElectionScheduler {

    /** Runs {@code task} once, {@code delayNanos} from now on the elector's clock (at once if not positive). */
    Scheduled schedule(Runnable task, long delayNanos);

    /** A task scheduled; cancelling one that has run or is running has no effect. */
    @FunctionalInterface
    interface Scheduled {
        void cancel();
    }
}

package io.github.camelk8s.leader.election;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A simulated process (a pod): its clocks and the inputs it handles, one at a time. Everything that happens inside
 * it (a timer, an answer, a watch event, a step of its work) arrives through {@link #at}, so that a pause holds it
 * and a crash drops it.
 * <p>
 * A pause (SIGSTOP, a long GC) freezes the process while its clocks run on: what falls due meanwhile waits and is
 * handled at the resume, in an order no thread schedule promises, so it is shuffled, except that watch events keep
 * theirs. A crash ends the incarnation: what it had scheduled never runs. Requests it had sent still reach the API
 * server.
 */
abstract class SimulatedProcess {

    final int index;
    final String identity;
    final SimulatedClock clock;
    final VirtualTime time;
    final SplittableRandom random;
    private final List<Input> held = new ArrayList<>();
    /** Pause intervals, for the invariants: [start, end), end Long.MAX_VALUE while paused. */
    private final List<long[]> pauses = new ArrayList<>();
    private int incarnation;
    private int pausedBy;

    private record Input(Runnable task, boolean ordered) {
    }

    SimulatedProcess(int index, String identity, SimulatedClock clock, VirtualTime time, SplittableRandom random) {
        this.index = index;
        this.identity = identity;
        this.clock = clock;
        this.time = time;
        this.random = random;
    }

    /** Runs {@code task} in this process at virtual time {@code at}: later if paused then, never if it died. */
    VirtualTime.Event at(long at, Runnable task) {
        return at(at, task, false);
    }

    /** As {@link #at(long, Runnable)}, for an input that must not overtake earlier ones of its kind (watch events). */
    VirtualTime.Event at(long at, Runnable task, boolean ordered) {
        return forIncarnation(incarnation, at, task, ordered);
    }

    /** As {@link #at(long, Runnable)}, for an input only the given incarnation may hear (the answer to its request). */
    VirtualTime.Event forIncarnation(int of, long at, Runnable task, boolean ordered) {
        return time.at(at, () -> deliver(of, task, ordered));
    }

    int incarnation() {
        return incarnation;
    }

    private void deliver(int scheduledBy, Runnable task, boolean ordered) {
        if (scheduledBy != incarnation) {
            return;
        }
        if (pausedBy > 0) {
            held.add(new Input(task, ordered));
            return;
        }
        task.run();
        afterInput();
    }

    /** Called after each input: the work the input's handling handed to other threads of the process runs now. */
    abstract void afterInput();

    boolean isPaused() {
        return pausedBy > 0;
    }

    void pause() {
        if (pausedBy++ == 0) {
            pauses.add(new long[] { time.now(), Long.MAX_VALUE });
        }
    }

    void resume() {
        if (pausedBy == 0 || --pausedBy > 0) {
            return;
        }
        pauses.get(pauses.size() - 1)[1] = time.now();
        List<Input> due = shuffled();
        held.clear();
        int resumed = incarnation;
        for (Input input : due) {
            if (resumed != incarnation || pausedBy > 0) {
                return;
            }
            input.task().run();
            afterInput();
        }
    }

    /** The held inputs in a random order, watch events still in theirs. */
    private List<Input> shuffled() {
        List<Input> due = new ArrayList<>(held);
        for (int i = due.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Input swap = due.get(i);
            due.set(i, due.get(j));
            due.set(j, swap);
        }
        List<Input> ordered = held.stream().filter(Input::ordered).toList();
        int next = 0;
        for (int i = 0; i < due.size(); i++) {
            if (due.get(i).ordered()) {
                due.set(i, ordered.get(next++));
            }
        }
        return due;
    }

    /** The first instant at or after {@code at} at which this process was (or will be) running. */
    long runningFrom(long at) {
        for (long[] pause : pauses) {
            if (pause[0] <= at && at < pause[1]) {
                return pause[1];
            }
        }
        return at;
    }

    /** Ends this incarnation: nothing it scheduled runs any more, paused or not. */
    void die() {
        incarnation++;
        held.clear();
        if (pausedBy > 0) {
            pauses.get(pauses.size() - 1)[1] = time.now();
            pausedBy = 0;
        }
    }
}

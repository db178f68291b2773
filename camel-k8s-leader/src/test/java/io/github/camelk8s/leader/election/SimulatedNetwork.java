package io.github.camelk8s.leader.election;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Between the processes and the API server: how each request fares under the faults in force when it is sent.
 * Healthy, a request takes 0.5 to 5 ms each way. Otherwise it may fail at once (refused, reset), hang until the
 * client's timeout (applied or not), be applied and lose its answer, be applied only after the client gave up,
 * be refused with 5xx (applied or not: a 504 may have been) or 429, or be slowed down, past the timeout or not.
 * A client that has given up never hears of the request again.
 */
final class SimulatedNetwork {

    static final long LATENCY_MAX = 5 * VirtualTime.MILLIS;
    static final long WATCH_LAG_MAX = 20 * VirtualTime.MILLIS;
    private static final long LATENCY_MIN = VirtualTime.MILLIS / 2;

    private final VirtualTime time;
    private final SplittableRandom random;
    private final SimulatedApiServer server;
    private final List<Fault> active = new ArrayList<>();

    SimulatedNetwork(VirtualTime time, SplittableRandom random, SimulatedApiServer server) {
        this.time = time;
        this.random = random;
        this.server = server;
    }

    void begin(Fault fault) {
        active.add(fault);
    }

    void end(Fault fault) {
        active.remove(fault);
    }

    /** Sends {@code request}; {@code answer} runs in the sender, at most once, unless it gives up first. */
    void send(SimulatedRequest request, long timeoutLocal, Consumer<ApiAnswer> answer) {
        SimulatedProcess from = request.sender;
        long now = time.now();
        long timeoutAt = now + from.clock.virtualDelay(timeoutLocal);
        Once once = new Once(answer);
        if (has(Fault.Kind.CUT, from.index)) {
            answer(request, now + latency(from.index), () -> once.accept(ApiAnswer.REFUSED));
            return;
        }
        if (has(Fault.Kind.BLACK_HOLE, from.index)) {
            if (random.nextInt(4) == 0) {
                time.at(Schedule.between(random, now, timeoutAt), () -> server.apply(request, readLag()));
            }
            answer(request, timeoutAt, () -> once.accept(ApiAnswer.TIMED_OUT));
            return;
        }
        long flaky = strongest(Fault.Kind.FLAKY, from.index);
        if (flaky > 0 && random.nextInt(1000) < flaky) {
            fail(request, now, timeoutAt, once);
            return;
        }
        long up = latency(from.index);
        long down = latency(from.index);
        if (now + up + down < timeoutAt) {
            time.at(now + up, () -> {
                ApiAnswer result = server.apply(request, readLag());
                answer(request, now + up + down, () -> once.accept(result));
            });
        } else {
            time.at(now + up, () -> server.apply(request, readLag()));
            answer(request, timeoutAt, () -> once.accept(ApiAnswer.TIMED_OUT));
        }
    }

    /** One of the ways a request fails; those that hang end at the client's timeout. */
    private void fail(SimulatedRequest request, long now, long timeoutAt, Once once) {
        SimulatedProcess from = request.sender;
        long up = latency(from.index);
        long answerAt = now + up + latency(from.index);
        switch (random.nextInt(6)) {
            case 0 -> answer(request, now + up, () -> once.accept(ApiAnswer.RESET));
            case 1 -> {
                // applied, answer lost
                time.at(now + up, () -> server.apply(request, readLag()));
                answer(request, timeoutAt, () -> once.accept(ApiAnswer.TIMED_OUT));
            }
            case 2 -> answer(request, timeoutAt, () -> once.accept(ApiAnswer.TIMED_OUT));
            case 3 -> {
                // hangs past the client's timeout, then applied all the same
                time.at(timeoutAt + Schedule.between(random, 0, timeoutAt - now), () -> server.apply(request, 0));
                answer(request, timeoutAt, () -> once.accept(ApiAnswer.TIMED_OUT));
            }
            case 4 -> {
                boolean applied = random.nextBoolean();
                if (applied) {
                    time.at(now + up, () -> server.apply(request, readLag()));
                }
                ApiAnswer error = applied ? ApiAnswer.GATEWAY_TIMEOUT : ApiAnswer.UNAVAILABLE;
                answer(request, Math.min(answerAt, timeoutAt), () -> once.accept(answerAt < timeoutAt ? error
                        : ApiAnswer.TIMED_OUT));
            }
            default -> answer(request, Math.min(answerAt, timeoutAt), () -> once.accept(answerAt < timeoutAt
                    ? ApiAnswer.THROTTLED : ApiAnswer.TIMED_OUT));
        }
    }

    /** Delivers an answer to the incarnation that sent the request: a process restarted since never hears it. */
    private static void answer(SimulatedRequest request, long at, Runnable delivery) {
        request.sender.forIncarnation(request.incarnation, at, delivery, false);
    }

    /** One way of one request, or of one watch event's trip: the base latency plus any slowdown in force. */
    long latency(int process) {
        long slow = strongest(Fault.Kind.SLOW, process);
        return Schedule.between(random, LATENCY_MIN, LATENCY_MAX) + (slow > 0 ? Schedule.between(random, 0, slow) : 0);
    }

    long watchLag(int process) {
        long lag = strongest(Fault.Kind.WATCH_LAG, process);
        return Schedule.between(random, LATENCY_MIN, WATCH_LAG_MAX) + (lag > 0 ? Schedule.between(random, 0, lag) : 0);
    }

    private long readLag() {
        long stale = strongest(Fault.Kind.STALE_READS, Fault.EVERYONE);
        return stale > 0 ? Schedule.between(random, 0, stale) : 0;
    }

    /** The watch connection is refused (cut off, or dropped by a fault). */
    boolean watchRefused(int process) {
        return has(Fault.Kind.CUT, process) || has(Fault.Kind.WATCH_DROP, process);
    }

    boolean blackHoled(int process) {
        return has(Fault.Kind.BLACK_HOLE, process);
    }

    List<Fault> active() {
        return active;
    }

    private boolean has(Fault.Kind kind, int process) {
        for (Fault fault : active) {
            if (fault.kind() == kind && fault.strikes(process)) {
                return true;
            }
        }
        return false;
    }

    private long strongest(Fault.Kind kind, int process) {
        long magnitude = 0;
        for (Fault fault : active) {
            if (fault.kind() == kind && (fault.strikes(process) || process == Fault.EVERYONE)) {
                magnitude = Math.max(magnitude, fault.magnitude());
            }
        }
        return magnitude;
    }

    /** An answer is heard at most once: the first of the answer and the timeout wins. */
    private static final class Once implements Consumer<ApiAnswer> {
        private final Consumer<ApiAnswer> target;
        private boolean done;

        Once(Consumer<ApiAnswer> target) {
            this.target = target;
        }

        @Override
        public void accept(ApiAnswer answer) {
            if (!done) {
                done = true;
                target.accept(answer);
            }
        }
    }
}

package io.github.camelk8s.leader.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.github.camelk8s.leader.LeadershipEventType;
import io.github.camelk8s.leader.chaos.Schedule.Episode;
import io.github.camelk8s.leader.chaos.Schedule.Kind;
import io.github.camelk8s.leader.chaos.Schedule.Target;
import io.github.camelk8s.leader.testsupport.FaultDispatcher;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import io.github.camelk8s.leader.testsupport.Timings;

/**
 * Runs one {@link Schedule}: a fresh API server and its pods, the faults applied and lifted on time, a fault-free
 * stretch to recover in, a graceful stop of every pod, and the {@link HistoryChecker}'s verdict on what happened.
 * <p>
 * How each fault is made: API answers (SERVER_ERROR, CONFLICT, HANG) by the server's {@link FaultDispatcher},
 * matching the pod's requests by the header its client sends; network faults (LATENCY, PARTITION, RESET,
 * WATCH_STALL, WATCH_DROP) by the pod's {@link io.github.camelk8s.leader.testsupport.NetworkLink}; PAUSE by
 * freezing the pod ({@link ChaosPod#pause()}); OUTAGE by stopping the API server and starting a new one on the same
 * port with the same state.
 */
final class ChaosRun {

    /** What the run found, with everything needed to read a failure. */
    record Result(Schedule schedule, HistoryChecker.Verdict verdict, String report) {
    }

    private final Schedule schedule;
    private final Timings timings;
    private final History history = new History();
    private final Random random;
    private final List<ChaosPod> pods = new ArrayList<>();
    /** "pod/KIND" (or "*&#47;OUTAGE") of every fault in force: one fault of a kind per pod at a time. */
    private final Set<String> inForce = ConcurrentHashMap.newKeySet();
    private MockApiServer api;

    private ChaosRun(Schedule schedule, Timings timings) {
        this.schedule = schedule;
        this.timings = timings;
        this.random = new Random(schedule.seed() * 31 + 7);
    }

    static Result run(Schedule schedule, Timings timings) {
        return new ChaosRun(schedule, timings).run();
    }

    private Result run() {
        long livenessUntil;
        api = new MockApiServer();
        ElectorDecisions decisions = ElectorDecisions.record(history);
        ScheduledExecutorService faults = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "chaos-faults");
            thread.setDaemon(true);
            return thread;
        });
        try {
            api.faults().addAnswerListener(history::answered);
            for (int i = 0; i < schedule.pods(); i++) {
                pods.add(new ChaosPod("pod-" + i, api, timings, schedule.wallSkews().get(i), history));
            }
            // starting counts as a fault: the first leader must be elected within the recovery bound too
            long starting = System.nanoTime();
            pods.forEach(ChaosPod::start);
            history.fault("pods starting", null, 0, starting, System.nanoTime());

            CountDownLatch lifted = new CountDownLatch(schedule.episodes().size());
            for (Episode episode : schedule.episodes()) {
                faults.schedule(() -> harness("striking " + episode, () -> strike(episode, faults, lifted)),
                        episode.atMillis(), TimeUnit.MILLISECONDS);
            }
            if (!lifted.await(schedule.faultsEndMillis() + 10_000, TimeUnit.MILLISECONDS)) {
                history.harnessError("faults still in force 10 s after the schedule ended: " + inForce);
            }
            awaitRecovery();
            livenessUntil = System.nanoTime();

            List<ChaosPod> stopOrder = new ArrayList<>(pods);
            Collections.shuffle(stopOrder, random);
            for (ChaosPod pod : stopOrder) {
                history.note("stopping " + pod);
                pod.stop();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            faults.shutdownNow();
            pods.forEach(ChaosPod::close);
            api.close();
            decisions.close();
        }
        if (!inForce.isEmpty()) {
            history.harnessError("faults never lifted: " + inForce);
        }
        HistoryChecker.Verdict verdict = HistoryChecker.check(history, timings, livenessUntil);
        return new Result(schedule, verdict, report(verdict));
    }

    /**
     * Every fault is lifted: waits until some pod processes again, then a second more to see leadership hold, or
     * until the recovery bound has passed (and a little more), whichever comes first. The checker judges what
     * happened meanwhile.
     */
    private void awaitRecovery() throws InterruptedException {
        long lifted = history.faults().stream().mapToLong(History.Fault::end).max().orElse(System.nanoTime());
        long giveUp = lifted + ChaosTimings.recoveryBound(timings).plusMillis(500).toNanos();
        while (System.nanoTime() < giveUp) {
            if (history.steps().stream().anyMatch(s -> s.begin() >= lifted)) {
                Thread.sleep(1000);
                return;
            }
            Thread.sleep(50);
        }
    }

    /** Runs a step of the harness itself; if it fails, the run fails: a fault that was not applied proves nothing. */
    private void harness(String what, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException | Error e) {
            history.harnessError(what + " failed: " + e);
        }
    }

    /** Applies the fault now and schedules its lifting; counts {@code lifted} down once it is lifted. */
    private void strike(Episode episode, ScheduledExecutorService faults, CountDownLatch lifted) {
        List<ChaosPod> targets = targets(episode);
        if (targets.isEmpty()) {
            history.note("skipped " + episode + ": every candidate pod already has a " + episode.kind() + " fault");
            lifted.countDown();
            return;
        }
        long begin = System.nanoTime();
        List<Runnable> lifts = new ArrayList<>();
        for (ChaosPod pod : targets) {
            lifts.add(apply(episode, pod));
        }
        String description = episode + " -> " + (episode.kind() == Kind.OUTAGE ? "API server" : targets);
        String pod = episode.kind() != Kind.OUTAGE && targets.size() == 1 ? targets.get(0).name() : null;
        int latency = episode.kind() == Kind.LATENCY ? episode.amount() : 0;
        faults.schedule(() -> harness("lifting " + episode, () -> {
            try {
                lifts.forEach(Runnable::run);
            } finally {
                history.fault(description, pod, latency, begin, System.nanoTime());
                lifted.countDown();
            }
        }), episode.forMillis(), TimeUnit.MILLISECONDS);
    }

    /** The pods the fault strikes, chosen now; each of them is marked as having a fault of this kind. */
    private List<ChaosPod> targets(Episode episode) {
        if (episode.kind() == Kind.OUTAGE) {
            return inForce.add("*/OUTAGE") ? List.of(pods.get(0)) : List.of();
        }
        List<ChaosPod> free = pods.stream().filter(p -> !inForce.contains(p.name() + "/" + episode.kind())).toList();
        List<ChaosPod> chosen;
        if (episode.target() == Target.EVERYONE) {
            chosen = free.size() == pods.size() ? free : List.of();
        } else {
            Predicate<ChaosPod> wanted = episode.target() == Target.LEADER
                    ? ChaosPod::believesLeading : p -> !p.believesLeading();
            List<ChaosPod> preferred = free.stream().filter(wanted).toList();
            List<ChaosPod> from = preferred.isEmpty() ? free : preferred;
            chosen = from.isEmpty() ? List.of() : List.of(from.get(random.nextInt(from.size())));
        }
        chosen.forEach(p -> inForce.add(p.name() + "/" + episode.kind()));
        return chosen;
    }

    /** Applies the episode's fault to one pod (or to the API server) and returns what lifts it. */
    private Runnable apply(Episode episode, ChaosPod pod) {
        FaultDispatcher dispatcher = api.faults();
        Predicate<FaultDispatcher.Request> requests = FaultDispatcher.candidate(pod.name());
        Predicate<FaultDispatcher.Request> matching = episode.writesOnly()
                ? requests.and(FaultDispatcher.Request::isLeaseWrite) : requests;
        String key = pod.name() + "/" + episode.kind();
        Runnable lift = switch (episode.kind()) {
            case LATENCY -> {
                pod.link().latency(Duration.ofMillis(episode.amount()));
                yield () -> pod.link().latency(Duration.ZERO);
            }
            case SERVER_ERROR -> {
                FaultDispatcher.Rule rule = dispatcher.failAfter(matching, episode.amount(), episode.slowMillis(), -1);
                yield () -> dispatcher.remove(rule);
            }
            case CONFLICT -> {
                FaultDispatcher.Rule rule = dispatcher.failWith(requests.and(FaultDispatcher.Request::isLeaseWrite),
                        409, -1);
                yield () -> dispatcher.remove(rule);
            }
            case HANG -> {
                FaultDispatcher.Rule rule = dispatcher.hang(matching, -1);
                yield () -> dispatcher.remove(rule);
            }
            case PARTITION -> {
                pod.link().partition(true);
                yield () -> pod.link().partition(false);
            }
            case RESET -> {
                pod.link().refuse(true);
                yield () -> pod.link().refuse(false);
            }
            case WATCH_STALL -> {
                pod.link().stallWatch(true);
                yield () -> pod.link().stallWatch(false);
            }
            case WATCH_DROP -> {
                pod.link().dropWatch(true);
                yield () -> pod.link().dropWatch(false);
            }
            case PAUSE -> {
                pod.pause();
                yield pod::resume;
            }
            case OUTAGE -> {
                api.stop();
                key = "*/OUTAGE";
                yield api::start;
            }
        };
        String done = key;
        return () -> {
            lift.run();
            inForce.remove(done);
        };
    }

    private String report(HistoryChecker.Verdict verdict) {
        StringBuilder text = new StringBuilder();
        text.append(schedule).append('\n');
        text.append("  replay: mvn -B verify -pl camel-k8s-leader -am -Dtest=ChaosTest -Dchaos.seed=")
                .append(schedule.seed()).append('\n');
        text.append("  terms: ").append(terms()).append(", lease versions written: ")
                .append(history.leaseVersions().size()).append('\n');
        for (String note : history.notes()) {
            text.append("  note ").append(note).append('\n');
        }
        if (Boolean.getBoolean("chaos.timeline")) {
            text.append(history.timeline(history.origin, System.nanoTime()));
        }
        for (String violation : verdict.violations()) {
            text.append("  VIOLATION ").append(violation).append('\n');
        }
        return text.toString();
    }

    /** How often each pod was elected: shows the faults moved leadership around. */
    private String terms() {
        Map<String, Long> elected = new TreeMap<>();
        history.leadership().stream()
                .filter(l -> l.source() == History.Source.ELECTOR && l.type() == LeadershipEventType.ELECTED)
                .forEach(l -> elected.merge(l.pod(), 1L, Long::sum));
        return elected.toString();
    }
}

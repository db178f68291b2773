package io.github.camelk8s.leader.chaos;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.github.camelk8s.leader.LeadershipEventType;
import io.github.camelk8s.leader.election.LeaseRecord;
import io.github.camelk8s.leader.testsupport.FaultDispatcher;

/**
 * What happened during one chaos run, on one timeline: {@link System#nanoTime()} of this JVM, which every "pod"
 * shares (their election clocks may be frozen or skewed; this one never is). Recorded:
 * <ul>
 * <li>{@link Step}: a leader-only route actually processing, from the moment a step began to the moment it ended,
 * and when the policy's check let it begin;</li>
 * <li>{@link Leadership}: ELECTED and LOST as each pod's elector decided and told them ({@link Source#ELECTOR}:
 * when it led) and as its {@code k8s-leader:} route received them ({@link Source#ROUTE}: what a user's route is
 * told);</li>
 * <li>{@link Pause}: a pod frozen, as by a long GC pause;</li>
 * <li>{@link Fault}: a fault in force, from when it was applied to when it was lifted;</li>
 * <li>{@link LeaseVersion}: every version of the Lease the API server wrote, with the pod that wrote it and when
 * that pod's client sent the write;</li>
 * <li>harness errors: anything that went wrong in the harness itself, which makes the run prove nothing.</li>
 * </ul>
 */
final class History {

    /**
     * A step of leader-only work: {@code admitted} when the policy's check let it begin (that check's reading of the
     * pod's election clock), {@code begin} and {@code end} when it actually ran.
     */
    record Step(String pod, long admitted, long begin, long end) {
    }

    /** Who told a leadership event: the pod's elector itself, or the {@code k8s-leader:} route it feeds. */
    enum Source {
        ELECTOR,
        ROUTE
    }

    /**
     * A leadership event. {@code told}: when the pod's elector listener, or its route, heard of it. {@code nanos}: when
     * it happened, which is when the elector decided for its own events ({@link ElectorDecisions}), and when the route
     * received it for the route's.
     */
    record Leadership(String pod, Source source, LeadershipEventType type, long nanos, long told) {
    }

    private record Decision(String pod, LeadershipEventType type, long nanos) {
    }

    record Pause(String pod, long begin, long end) {
        boolean contains(long nanos) {
            return begin <= nanos && nanos <= end;
        }
    }

    /**
     * A fault in force from {@code begin} to {@code end}. {@code pod}: the one pod it struck, or null when it struck
     * several or the API server itself. {@code latencyMillis}: the round trip it added (LATENCY), else 0.
     */
    record Fault(String description, String pod, int latencyMillis, long begin, long end) {
    }

    /**
     * A version of the Lease: {@code writer} is the pod whose write made it, {@code sent} when that pod's client sent
     * the write, {@code nanos} when the API server answered it (the write was applied at or before then). Both times
     * are on this timeline; {@code sent} is 0 if the write carried no stamp.
     */
    record LeaseVersion(long resourceVersion, LeaseRecord record, String writer, long sent, long nanos) {
    }

    /** Start of the run: times are printed relative to it. */
    final long origin = System.nanoTime();
    private final Queue<Step> steps = new ConcurrentLinkedQueue<>();
    private final Queue<Leadership> leadership = new ConcurrentLinkedQueue<>();
    private final Queue<Decision> decisions = new ConcurrentLinkedQueue<>();
    private final Queue<Pause> pauses = new ConcurrentLinkedQueue<>();
    private final Queue<Fault> faults = new ConcurrentLinkedQueue<>();
    private final Queue<LeaseVersion> leaseVersions = new ConcurrentLinkedQueue<>();
    private final Queue<String> notes = new ConcurrentLinkedQueue<>();
    private final Queue<String> harnessErrors = new ConcurrentLinkedQueue<>();

    void step(String pod, long admitted, long begin, long end) {
        steps.add(new Step(pod, admitted, begin, end));
    }

    /** A leadership event heard now by the pod's elector listener or its route. */
    void leadership(String pod, Source source, LeadershipEventType type) {
        leadership(pod, source, type, System.nanoTime());
    }

    void leadership(String pod, Source source, LeadershipEventType type, long told) {
        leadership.add(new Leadership(pod, source, type, told, told));
    }

    /** The pod's elector decided an ELECTED or LOST at {@code nanos}. */
    void decided(String pod, LeadershipEventType type, long nanos) {
        decisions.add(new Decision(pod, type, nanos));
    }

    void pause(String pod, long begin, long end) {
        pauses.add(new Pause(pod, begin, end));
    }

    void fault(String description, String pod, int latencyMillis, long begin, long end) {
        faults.add(new Fault(description, pod, latencyMillis, begin, end));
    }

    /** Something worth reading next to the timeline when a check fails (a fault skipped, a pod stopped). */
    void note(String text) {
        notes.add(at(System.nanoTime()) + " " + text);
    }

    /** Something went wrong in the harness: a fault not applied or not lifted, a recording that failed. */
    void harnessError(String text) {
        harnessErrors.add(text);
    }

    /**
     * A {@link FaultDispatcher.AnswerListener}: keeps every Lease the API server answers a write with. It runs on
     * the server's thread, where a failure would only turn into an error answer the pod copes with, so a failure
     * here is a harness error instead.
     */
    void answered(FaultDispatcher.Request request, MockResponse response) {
        if (!request.isLeaseWrite() || response.code() / 100 != 2 || response.getBody() == null) {
            return;
        }
        long now = System.nanoTime();
        try {
            Lease lease = Serialization.unmarshal(new String(response.getBody().getBytes(), StandardCharsets.UTF_8),
                    Lease.class);
            leaseVersion(Long.parseLong(lease.getMetadata().getResourceVersion()), LeaseRecord.of(lease),
                    request.candidate(), request.sentNanos(), now);
        } catch (RuntimeException e) {
            harnessError("recording the answer to " + request + " failed: " + e);
        }
    }

    void leaseVersion(long resourceVersion, LeaseRecord record, String writer, long sent, long answered) {
        leaseVersions.add(new LeaseVersion(resourceVersion, record, writer, sent, answered));
    }

    List<Step> steps() {
        return sorted(steps, Comparator.comparingLong(Step::begin));
    }

    /**
     * Every leadership event in time order; each of an elector's events carries the time of the decision in the
     * same place of that pod's sequence (see {@link #pairingProblems()}).
     */
    List<Leadership> leadership() {
        List<Leadership> all = new ArrayList<>();
        Map<String, List<Decision>> decided = decisionsByPod();
        electorEventsByPod().forEach((pod, told) -> {
            List<Decision> ofPod = decided.getOrDefault(pod, List.of());
            for (int i = 0; i < told.size(); i++) {
                Leadership event = told.get(i);
                boolean paired = i < ofPod.size() && ofPod.get(i).type() == event.type();
                all.add(paired ? new Leadership(pod, Source.ELECTOR, event.type(), ofPod.get(i).nanos(), event.told())
                        : event);
            }
        });
        leadership.stream().filter(l -> l.source() == Source.ROUTE).forEach(all::add);
        all.sort(Comparator.comparingLong(Leadership::nanos));
        return all;
    }

    /** Pods whose elector decided other events than its listener heard: their decision times are not known. */
    List<String> pairingProblems() {
        Map<String, List<LeadershipEventType>> decided = new TreeMap<>();
        decisionsByPod().forEach((pod, list) -> decided.put(pod, list.stream().map(Decision::type).toList()));
        Map<String, List<LeadershipEventType>> told = new TreeMap<>();
        electorEventsByPod().forEach((pod, list) -> told.put(pod, list.stream().map(Leadership::type).toList()));
        List<String> problems = new ArrayList<>();
        for (String pod : union(decided.keySet(), told.keySet())) {
            List<LeadershipEventType> byDecision = decided.getOrDefault(pod, List.of());
            List<LeadershipEventType> byListener = told.getOrDefault(pod, List.of());
            if (!byDecision.equals(byListener)) {
                problems.add(pod + "'s elector logged the decisions " + byDecision + " but its listener heard "
                             + byListener);
            }
        }
        return problems;
    }

    private Map<String, List<Leadership>> electorEventsByPod() {
        Map<String, List<Leadership>> byPod = new TreeMap<>();
        for (Leadership event : sorted(leadership, Comparator.comparingLong(Leadership::told))) {
            if (event.source() == Source.ELECTOR) {
                byPod.computeIfAbsent(event.pod(), p -> new ArrayList<>()).add(event);
            }
        }
        return byPod;
    }

    private Map<String, List<Decision>> decisionsByPod() {
        Map<String, List<Decision>> byPod = new TreeMap<>();
        for (Decision decision : sorted(decisions, Comparator.comparingLong(Decision::nanos))) {
            byPod.computeIfAbsent(decision.pod(), p -> new ArrayList<>()).add(decision);
        }
        return byPod;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    List<Pause> pauses() {
        return sorted(pauses, Comparator.comparingLong(Pause::begin));
    }

    List<Fault> faults() {
        return sorted(faults, Comparator.comparingLong(Fault::begin));
    }

    List<LeaseVersion> leaseVersions() {
        return sorted(leaseVersions, Comparator.comparingLong(LeaseVersion::resourceVersion));
    }

    List<String> notes() {
        return List.copyOf(notes);
    }

    List<String> harnessErrors() {
        return List.copyOf(harnessErrors);
    }

    /** A time of this run as milliseconds since its start, for messages. */
    String at(long nanos) {
        return String.format("%+8.1fms", (nanos - origin) / 1e6);
    }

    static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private Object[] workLine(String pod, long[] run) {
        return new Object[] { run[0], "work    " + pod + " until " + at(run[1]) + " (" + run[2] + " steps)" };
    }

    private static <T> List<T> sorted(Queue<T> items, Comparator<T> order) {
        List<T> list = new ArrayList<>(items);
        list.sort(order);
        return list;
    }

    /** Everything recorded between two times, in time order, one line each: the context of a violation. */
    String timeline(long from, long to) {
        List<Object[]> lines = new ArrayList<>();
        for (Fault f : faults) {
            if (f.end() >= from && f.begin() <= to) {
                lines.add(new Object[] { f.begin(), "fault   " + f.description() + " until " + at(f.end()) });
            }
        }
        for (Pause p : pauses) {
            if (p.end() >= from && p.begin() <= to) {
                lines.add(new Object[] { p.begin(), "pause   " + p.pod() + " until " + at(p.end()) });
            }
        }
        for (Leadership l : leadership()) {
            if (l.nanos() >= from && l.nanos() <= to) {
                String who = l.source() == Source.ELECTOR ? "elector " : "route   ";
                // the elector's events are shown when decided; when heard much later, that is worth seeing too
                String heard = l.told() - l.nanos() > TimeUnit.MILLISECONDS.toNanos(1)
                        ? " (its listener heard it at " + at(l.told()) + ")" : "";
                lines.add(new Object[] { l.nanos(), who + l.pod() + " " + l.type() + heard });
            }
        }
        for (LeaseVersion v : leaseVersions) {
            if (v.nanos() >= from && v.nanos() <= to) {
                lines.add(new Object[] { v.nanos(), "lease   rv=" + v.resourceVersion() + " by " + v.writer()
                                                    + " sent " + at(v.sent()) + " " + v.record() });
            }
        }
        // consecutive steps of one pod make one line: a stretch of work
        Map<String, long[]> open = new HashMap<>();
        for (Step s : steps()) {
            if (s.end() < from || s.begin() > to) {
                continue;
            }
            long[] run = open.get(s.pod());
            if (run != null && s.begin() - run[1] < TimeUnit.MILLISECONDS.toNanos(50)) {
                run[1] = Math.max(run[1], s.end());
                run[2]++;
                continue;
            }
            if (run != null) {
                lines.add(workLine(s.pod(), run));
            }
            open.put(s.pod(), new long[] { s.begin(), s.end(), 1 });
        }
        open.forEach((pod, run) -> lines.add(workLine(pod, run)));
        lines.sort(Comparator.comparingLong(l -> (Long) l[0]));
        StringBuilder text = new StringBuilder();
        for (Object[] line : lines) {
            text.append("    ").append(at((Long) line[0])).append("  ").append(line[1]).append('\n');
        }
        return text.toString();
    }
}

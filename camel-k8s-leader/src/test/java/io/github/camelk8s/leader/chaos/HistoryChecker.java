package io.github.camelk8s.leader.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import io.github.camelk8s.leader.LeadershipEventType;
import io.github.camelk8s.leader.chaos.History.LeaseVersion;
import io.github.camelk8s.leader.election.LeaseRecord;

/**
 * Judges a {@link History} against the invariants a user of leader-only routes relies on:
 * <ol type="a">
 * <li><b>No overlap.</b> No two pods' leader-only routes are ever processing at the same time. One exception is
 * precise and unavoidable: a step that was already executing when its own pod froze (a GC pause) finishes its
 * remainder after the pod resumes, possibly while another pod leads. No lease can stop code that is already
 * running; what the component must (and can) do is not let such an exchange go on to another step. So each step
 * is cut at its own pod's pauses: the part before a pause and every other step are checked strictly, only the
 * remainder after a pause is excused, and counted.</li>
 * <li><b>Recovery.</b> Once every fault is lifted, some pod is processing again within the bound
 * (leaseDuration + retryPeriod + margin), provided the run stays fault-free that long (after the last fault it
 * always does: the run waits for recovery before it stops the pods).</li>
 * <li><b>Terms.</b> Each pod's {@code k8s-leader:} route sees ELECTED and LOST alternate, beginning with ELECTED
 * and, once the pod has stopped, ending with LOST: exactly one LOST per ELECTED.</li>
 * <li><b>Lease record.</b> Every version the API server wrote is well-formed (a holder has a positive
 * leaseDurationSeconds and both times, a release has leaseDurationSeconds 1), leaseTransitions never decreases,
 * grows when the holder changes to another identity, and a term keeps its acquireTime.</li>
 * <li><b>Elected after the write.</b> Every ELECTED follows an answered write naming that pod as holder.</li>
 * <li><b>One sick pod cannot stall the rest.</b> While a fault strikes one pod alone (no other fault in force),
 * some pod is processing in the last second of the takeover bound (renewDeadline + added latency +
 * leaseDuration + retryPeriod + margin) after the fault struck, provided it lasts that long: the sick pod may
 * still lead if the fault does not cost it leadership, but a pod that lost its network, its speed or its CPU
 * must not keep the healthy ones from leading.</li>
 * </ol>
 */
final class HistoryChecker {

    /** The outcome: violations (empty when every invariant held) and the measurements worth summarising. */
    record Verdict(List<String> violations, int overlaps, int resumedSteps, long maxRecoveryNanos, int recoveries,
            int singlePodFaults) {
        boolean passed() {
            return violations.isEmpty();
        }
    }

    /** A part of a step during which its pod was running; {@code afterPause}: the remainder after a pause. */
    private record Segment(String pod, long begin, long end, boolean afterPause) {
    }

    private final History history;
    private final Timings timings;
    private final Duration recoveryBound;
    private final List<String> violations = new ArrayList<>();
    private int overlaps;
    private int resumedSteps;
    private long maxRecovery;
    private int recoveries;
    private int singlePodFaults;

    private HistoryChecker(History history, Timings timings) {
        this.history = history;
        this.timings = timings;
        this.recoveryBound = timings.recoveryBound();
    }

    /**
     * @param livenessUntil the end of the part of the run in which liveness is expected (the pods' graceful stop
     *                      begins there)
     */
    static Verdict check(History history, Timings timings, long livenessUntil) {
        HistoryChecker checker = new HistoryChecker(history, timings);
        List<Segment> segments = checker.segments();
        checker.checkNoOverlap(segments);
        checker.checkRecovery(segments, livenessUntil);
        checker.checkTerms();
        checker.checkLeaseRecords();
        checker.checkElectedAfterWrite();
        checker.checkOneSickPodCannotStallTheRest(segments);
        return new Verdict(List.copyOf(checker.violations), checker.overlaps, checker.resumedSteps,
                checker.maxRecovery, checker.recoveries, checker.singlePodFaults);
    }

    // ---- (a) no overlap ----------------------------------------------------------------------------------------

    /** Every step cut at its own pod's pauses into the parts during which the pod actually ran. */
    private List<Segment> segments() {
        List<History.Pause> pauses = history.pauses();
        List<Segment> segments = new ArrayList<>();
        for (History.Step step : history.steps()) {
            long from = step.begin();
            boolean afterPause = false;
            for (History.Pause pause : pauses) {
                if (!pause.pod().equals(step.pod()) || pause.end() < step.begin() || pause.begin() > step.end()) {
                    continue;
                }
                if (pause.begin() > from) {
                    segments.add(new Segment(step.pod(), from, pause.begin(), afterPause));
                }
                from = Math.max(from, pause.end());
                afterPause = true;
            }
            if (from < step.end()) {
                segments.add(new Segment(step.pod(), from, step.end(), afterPause));
            }
            if (afterPause) {
                resumedSteps++;
            }
        }
        segments.sort(Comparator.comparingLong(Segment::begin));
        return segments;
    }

    private void checkNoOverlap(List<Segment> segments) {
        List<Segment> running = new ArrayList<>();
        for (Segment segment : segments) {
            running.removeIf(r -> r.end() <= segment.begin());
            for (Segment other : running) {
                if (other.pod().equals(segment.pod()) || other.afterPause() || segment.afterPause()) {
                    continue;
                }
                overlaps++;
                if (overlaps <= 3) {
                    violations.add(String.format("(a) overlap: %s processed %s..%s while %s processed %s..%s%n%s",
                            segment.pod(), history.at(segment.begin()), history.at(segment.end()), other.pod(),
                            history.at(other.begin()), history.at(other.end()),
                            history.timeline(other.begin() - TimeUnit.SECONDS.toNanos(3),
                                    segment.end() + TimeUnit.MILLISECONDS.toNanos(500))));
                }
            }
            running.add(segment);
        }
        if (overlaps > 3) {
            violations.add("(a) " + (overlaps - 3) + " more overlaps");
        }
    }

    // ---- (b) recovery ------------------------------------------------------------------------------------------

    /**
     * The moments every fault was lifted (the ends of the union of fault windows), each followed by a fault-free
     * stretch at least as long as the bound: within it, some pod must begin processing.
     */
    private void checkRecovery(List<Segment> segments, long livenessUntil) {
        List<long[]> windows = new ArrayList<>();
        for (History.Fault fault : history.faults()) {
            long[] last = windows.isEmpty() ? null : windows.get(windows.size() - 1);
            if (last != null && fault.begin() <= last[1]) {
                last[1] = Math.max(last[1], fault.end());
            } else {
                windows.add(new long[] { fault.begin(), fault.end() });
            }
        }
        long bound = recoveryBound.toNanos();
        for (int i = 0; i < windows.size(); i++) {
            long lifted = windows.get(i)[1];
            boolean last = i == windows.size() - 1;
            // the run ends (pods stop) once recovery is seen, so the last lifting is always checked
            if (!last && windows.get(i + 1)[0] - lifted < bound) {
                continue;
            }
            Long recovered = segments.stream()
                    .filter(s -> s.begin() >= lifted && s.begin() <= livenessUntil && !s.afterPause())
                    .map(Segment::begin).findFirst().orElse(null);
            if (recovered == null || recovered - lifted > bound) {
                violations.add(String.format("(b) no pod processed within %d ms after every fault was lifted at %s%s%n%s",
                        recoveryBound.toMillis(), history.at(lifted),
                        recovered == null ? "" : " (next processing at " + history.at(recovered) + ")",
                        history.timeline(lifted - TimeUnit.SECONDS.toNanos(3), lifted + bound)));
            } else {
                recoveries++;
                maxRecovery = Math.max(maxRecovery, recovered - lifted);
            }
        }
    }

    // ---- (f) one sick pod cannot stall the rest -------------------------------------------------------------------

    private void checkOneSickPodCannotStallTheRest(List<Segment> segments) {
        List<History.Fault> faults = history.faults();
        for (History.Fault fault : faults) {
            if (fault.pod() == null) {
                continue;
            }
            long bound = timings.takeoverBound(Duration.ofMillis(fault.latencyMillis())).toNanos();
            long checkedUntil = fault.begin() + bound;
            boolean alone = fault.end() >= checkedUntil && faults.stream()
                    .noneMatch(other -> other != fault && other.begin() <= checkedUntil && other.end() >= fault.begin());
            if (!alone) {
                continue;
            }
            // the sick pod itself may lead on (a dropped watch, a little latency do not cost leadership); what
            // must not happen is that nobody works once the bound has passed
            long from = checkedUntil - TimeUnit.SECONDS.toNanos(1);
            boolean someoneWorks = segments.stream().anyMatch(s -> s.begin() >= from && s.begin() <= checkedUntil
                                                                   && !s.afterPause());
            if (!someoneWorks) {
                violations.add(String.format("(f) while only %s was sick (%s), no pod was processing %d ms later%n%s",
                        fault.pod(), fault.description(), TimeUnit.NANOSECONDS.toMillis(bound),
                        history.timeline(fault.begin() - TimeUnit.SECONDS.toNanos(2), checkedUntil)));
            } else {
                singlePodFaults++;
            }
        }
    }

    // ---- (c) terms ---------------------------------------------------------------------------------------------

    private void checkTerms() {
        Map<String, List<LeadershipEventType>> byPod = new LinkedHashMap<>();
        for (History.Leadership event : history.leadership()) {
            byPod.computeIfAbsent(event.pod(), p -> new ArrayList<>()).add(event.type());
        }
        byPod.forEach((pod, types) -> {
            for (int i = 0; i < types.size(); i++) {
                LeadershipEventType expected = i % 2 == 0 ? LeadershipEventType.ELECTED : LeadershipEventType.LOST;
                if (types.get(i) != expected || i == types.size() - 1 && expected == LeadershipEventType.ELECTED) {
                    violations.add("(c) " + pod + " saw ELECTED and LOST out of turn (must alternate, beginning "
                                   + "with ELECTED and ending with LOST once stopped): " + types);
                    return;
                }
            }
        });
    }

    // ---- (d) lease record --------------------------------------------------------------------------------------

    private void checkLeaseRecords() {
        LeaseVersion previous = null;
        LeaseRecord lastHeld = null;
        for (LeaseVersion version : history.leaseVersions()) {
            LeaseRecord record = version.record();
            String problem = malformed(record);
            if (problem != null) {
                violations.add("(d) Lease rv=" + version.resourceVersion() + " " + problem + ": " + record);
            }
            if (previous != null) {
                LeaseRecord before = previous.record();
                if (record.leaseTransitions() < before.leaseTransitions()) {
                    violations.add("(d) leaseTransitions went down from rv=" + previous.resourceVersion() + " to rv="
                                   + version.resourceVersion() + ": " + before + " -> " + record);
                }
                if (record.isHeld() && record.holderIdentity().equals(before.holderIdentity())
                    && !Objects.equals(record.acquireTime(), before.acquireTime())) {
                    violations.add("(d) the term of " + record.holderIdentity() + " changed its acquireTime at rv="
                                   + version.resourceVersion() + ": " + before + " -> " + record);
                }
            }
            if (record.isHeld()) {
                if (lastHeld != null && !lastHeld.isHeldBy(record.holderIdentity())
                    && record.leaseTransitions() <= lastHeld.leaseTransitions()) {
                    violations.add("(d) the holder changed from " + lastHeld.holderIdentity() + " to "
                                   + record.holderIdentity() + " without counting a transition at rv="
                                   + version.resourceVersion() + ": " + lastHeld + " -> " + record);
                }
                lastHeld = record;
            }
            previous = version;
        }
    }

    private static String malformed(LeaseRecord record) {
        if (record.isHeld()) {
            if (record.leaseDurationSeconds() < 1) {
                return "is held with leaseDurationSeconds " + record.leaseDurationSeconds();
            }
            if (record.acquireTime() == null || record.renewTime() == null) {
                return "is held without acquireTime or renewTime";
            }
        } else if (record.leaseDurationSeconds() != 1) {
            return "is released with leaseDurationSeconds " + record.leaseDurationSeconds() + " (expected 1)";
        }
        return null;
    }

    // ---- (e) elected after the write ---------------------------------------------------------------------------

    private void checkElectedAfterWrite() {
        List<LeaseVersion> versions = history.leaseVersions();
        for (History.Leadership event : history.leadership()) {
            if (event.type() != LeadershipEventType.ELECTED) {
                continue;
            }
            boolean written = versions.stream()
                    .anyMatch(v -> v.record().isHeldBy(event.pod()) && v.nanos() < event.nanos());
            if (!written) {
                violations.add("(e) " + event.pod() + " was ELECTED at " + history.at(event.nanos())
                               + " before any write naming it holder had been answered");
            }
        }
    }
}

package io.github.camelk8s.leader.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import io.github.camelk8s.leader.LeadershipEventType;
import io.github.camelk8s.leader.chaos.History.Leadership;
import io.github.camelk8s.leader.chaos.History.LeaseVersion;
import io.github.camelk8s.leader.chaos.History.Source;
import io.github.camelk8s.leader.election.LeaseRecord;
import io.github.camelk8s.leader.testsupport.Timings;

/**
 * Judges a {@link History} against the invariants a user of leader-only routes relies on. A pod's <em>hold</em> on
 * the Lease, as the API server's versions show it, lasts until renewDeadline after the send time of its last write
 * naming it holder, or until it sent its release, whichever comes first: that is the longest its elector can have
 * let it lead.
 * <ol type="a">
 * <li><b>No overlap.</b> No two pods' leader-only routes are ever processing at the same time. Each step is cut at
 * its own pod's pauses; the part before a pause and every other step are checked strictly. One exception is
 * precise: the remainder of a step after a pause of its pod may overlap another pod's work if the step began
 * within its pod's hold and the other pod's work belongs to a takeover whose acquiring write was sent after that
 * hold ended and answered before the overlap began. That is a step begun validly, frozen mid-step and finished
 * after a correct takeover: no lease can stop code that is already running. Remainders are counted, and so are the
 * overlaps excused this way; any other overlap is a violation.</li>
 * <li><b>Recovery.</b> Once every fault is lifted, some pod is processing again within the bound
 * (leaseDuration + retryPeriod + margin), provided the run stays fault-free that long (after the last fault it
 * always does: the run waits for recovery before it stops the pods).</li>
 * <li><b>Terms.</b> Each pod's elector, and each pod's {@code k8s-leader:} route, tells ELECTED and LOST in
 * alternation, beginning with ELECTED and, once the pod has stopped, ending with LOST.</li>
 * <li><b>Lease record.</b> Every version the API server wrote is well-formed (a holder has a positive
 * leaseDurationSeconds and both times, a release has leaseDurationSeconds 1), names as holder the pod that wrote it
 * (a release: the holder before it), leaseTransitions never decreases, grows when the holder changes to another
 * identity, and a term (a holder and a leaseTransitions) keeps its acquireTime.</li>
 * <li><b>Elected after its own write, every term.</b> Every ELECTED of a pod's elector follows a write of that pod,
 * answered, that made it holder and was sent after the pod's previous LOST; or else the renewal in flight at that
 * LOST, sent during the previous term and answered within renewDeadline of its sending (the elector leads on a
 * write for renewDeadline from its sending, so such an answer elects it again; these are counted).</li>
 * <li><b>One sick pod cannot stall the rest.</b> While a fault strikes one pod alone (no other fault in force),
 * some pod is processing in the last second of the takeover bound (renewDeadline + added latency +
 * leaseDuration + retryPeriod + margin) after the fault struck, provided it lasts that long: the sick pod may
 * still lead if the fault does not cost it leadership, but a pod that lost its network, its speed or its CPU
 * must not keep the healthy ones from leading.</li>
 * <li><b>Steps only while the elector leads.</b> Every step of a pod is let begin after its elector decided ELECTED
 * and before it decided the LOST that follows.</li>
 * <li><b>Takeover after the hold.</b> A pod's acquiring write, which makes it holder in place of another pod, is
 * sent only after that pod's hold has ended.</li>
 * <li><b>Release after the steps.</b> A pod sends its release only once every step it began has ended.</li>
 * </ol>
 * And the run proves nothing if the harness failed: every harness error, every Lease version whose writer or send
 * time is unknown, every step not admitted by a reading of the election clock, and every pod whose elector's
 * decisions do not match what its listener heard, is a violation too.
 */
final class HistoryChecker {

    /**
     * The outcome: violations (empty when every invariant held) and the measurements worth summarising.
     * {@code excusedOverlaps}: overlaps of a remainder after a pause with another pod's work after a correct takeover.
     * {@code reelections}: terms elected by the previous term's renewal, in flight at its LOST (see (e)).
     */
    record Verdict(List<String> violations, int overlaps, int resumedSteps, int excusedOverlaps, int reelections,
            long maxRecoveryNanos, int recoveries, int singlePodFaults) {
        boolean passed() {
            return violations.isEmpty();
        }
    }

    /**
     * A part of a step during which its pod was running; {@code stepBegin}: when the whole step began;
     * {@code afterPause}: the remainder after a pause.
     */
    private record Segment(String pod, long stepBegin, long begin, long end, boolean afterPause) {
    }

    /**
     * The write of {@code version}, at {@code index} of the versions, made its holder the holder in place of
     * {@code from}, whose hold had ended at {@code fromHoldEnd}.
     */
    private record Takeover(int index, LeaseVersion version, String from, long fromHoldEnd) {
    }

    /** Violations reported in full per check; the rest are only counted. */
    private static final int SHOWN_PER_CHECK = 3;
    private static final long CONTEXT_BEFORE = TimeUnit.SECONDS.toNanos(3);
    private static final long CONTEXT_AFTER = TimeUnit.MILLISECONDS.toNanos(500);

    private final History history;
    private final Timings timings;
    private final long renewDeadline;
    private final List<LeaseVersion> versions;
    private final List<Takeover> takeovers;
    private final List<String> violations = new ArrayList<>();
    private final Map<String, Integer> violationsPerCheck = new LinkedHashMap<>();
    private int overlaps;
    private int resumedSteps;
    private int excusedOverlaps;
    private int reelections;
    private long maxRecovery;
    private int recoveries;
    private int singlePodFaults;

    private HistoryChecker(History history, Timings timings) {
        this.history = history;
        this.timings = timings;
        this.renewDeadline = timings.renewDeadline().toNanos();
        this.versions = history.leaseVersions();
        this.takeovers = takeovers();
    }

    /**
     * @param livenessUntil the end of the part of the run in which liveness is expected (the pods' graceful stop
     *                      begins there)
     */
    static Verdict check(History history, Timings timings, long livenessUntil) {
        HistoryChecker checker = new HistoryChecker(history, timings);
        checker.checkHarness();
        List<Segment> segments = checker.segments();
        checker.checkNoOverlap(segments);
        checker.checkRecovery(segments, livenessUntil);
        checker.checkTerms();
        checker.checkLeaseRecords();
        checker.checkElectedAfterOwnWrite();
        checker.checkOneSickPodCannotStallTheRest(segments);
        checker.checkStepsOnlyWhileLeading();
        checker.checkTakeoverAfterHold();
        checker.checkReleaseAfterSteps();
        checker.violationsPerCheck.forEach((check, count) -> {
            if (count > SHOWN_PER_CHECK) {
                checker.violations.add("(" + check + ") " + (count - SHOWN_PER_CHECK) + " more violations");
            }
        });
        return new Verdict(List.copyOf(checker.violations), checker.overlaps, checker.resumedSteps,
                checker.excusedOverlaps, checker.reelections, checker.maxRecovery, checker.recoveries,
                checker.singlePodFaults);
    }

    private void violation(String check, String message) {
        int count = violationsPerCheck.merge(check, 1, Integer::sum);
        if (count <= SHOWN_PER_CHECK) {
            violations.add("(" + check + ") " + message);
        }
    }

    /** The timeline around {@code from..to}, for a violation's message. */
    private String around(long from, long to) {
        return history.timeline(from - CONTEXT_BEFORE, to + CONTEXT_AFTER);
    }

    // ---- the harness ---------------------------------------------------------------------------------------------

    private void checkHarness() {
        history.harnessErrors().forEach(error -> violation("harness", error));
        history.pairingProblems().forEach(problem -> violation("harness", problem));
        for (History.Step step : history.steps()) {
            if (step.admitted() == 0) {
                violation("harness", step.pod() + "'s step at " + history.at(step.begin()) + " was not admitted by "
                                     + "a check that read the election clock on its thread");
            }
        }
        for (LeaseVersion version : versions) {
            if (version.writer().isEmpty() || version.sent() == 0) {
                violation("harness", "Lease rv=" + version.resourceVersion() + " has no known writer or send time ("
                                     + version.writer() + ", " + version.sent() + "): the checks of writes prove "
                                     + "nothing");
            }
        }
    }

    // ---- holds and takeovers -------------------------------------------------------------------------------------

    /**
     * When {@code pod}'s hold on the Lease ended, as the versions before {@code index} show it: renewDeadline after
     * the send time of its last write naming it holder, or when it sent the release that followed, if that came
     * first. Null if it did not hold the Lease before.
     */
    private Long holdEnd(String pod, int index) {
        Long released = null;
        for (int i = index - 1; i >= 0; i--) {
            LeaseVersion version = versions.get(i);
            if (version.record().isHeldBy(pod)) {
                long end = version.sent() + renewDeadline;
                return released == null ? end : Math.min(end, released);
            }
            if (!version.record().isHeld() && pod.equals(version.writer())) {
                // scanning backwards: the last one kept is the first release after the hold
                released = version.sent();
            }
        }
        return null;
    }

    /** Every version whose holder differs from the holder of the last held version before it. */
    private List<Takeover> takeovers() {
        List<Takeover> found = new ArrayList<>();
        String lastHolder = null;
        for (int i = 0; i < versions.size(); i++) {
            LeaseRecord record = versions.get(i).record();
            if (!record.isHeld()) {
                continue;
            }
            if (lastHolder != null && !record.isHeldBy(lastHolder)) {
                // lastHolder held a version before i, so its hold end is known
                found.add(new Takeover(i, versions.get(i), lastHolder, holdEnd(lastHolder, i)));
            }
            lastHolder = record.holderIdentity();
        }
        return found;
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
                    segments.add(new Segment(step.pod(), step.begin(), from, pause.begin(), afterPause));
                }
                from = Math.max(from, pause.end());
                afterPause = true;
            }
            if (from < step.end()) {
                segments.add(new Segment(step.pod(), step.begin(), from, step.end(), afterPause));
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
                if (other.pod().equals(segment.pod())) {
                    continue;
                }
                if (excused(segment, other) || excused(other, segment)) {
                    excusedOverlaps++;
                    continue;
                }
                overlaps++;
                violation("a", String.format("overlap: %s processed %s..%s%s while %s processed %s..%s%s%n%s",
                        segment.pod(), history.at(segment.begin()), history.at(segment.end()), describe(segment),
                        other.pod(), history.at(other.begin()), history.at(other.end()), describe(other),
                        around(other.begin(), segment.end())));
            }
            running.add(segment);
        }
    }

    private String describe(Segment segment) {
        return segment.afterPause() ? " (the remainder after a pause of a step begun at "
                                      + history.at(segment.stepBegin()) + ")" : "";
    }

    /**
     * Whether {@code remainder} may overlap {@code other}: it is the rest of a step after a pause of its pod, that
     * step began within its pod's hold, and {@code other} belongs to a takeover by its pod whose acquiring write was
     * sent after that hold had ended and answered before the overlap began.
     */
    private boolean excused(Segment remainder, Segment other) {
        if (!remainder.afterPause()) {
            return false;
        }
        Takeover takeover = null;
        for (Takeover candidate : takeovers) {
            if (candidate.version().record().isHeldBy(other.pod()) && candidate.version().nanos() < other.stepBegin()) {
                takeover = candidate;
            }
        }
        if (takeover == null) {
            return false;
        }
        Long holdEnd = holdEnd(remainder.pod(), takeover.index());
        long overlapBegin = Math.max(remainder.begin(), other.begin());
        return holdEnd != null && remainder.stepBegin() < holdEnd && takeover.version().sent() >= holdEnd
               && overlapBegin > takeover.version().nanos();
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
        Duration recoveryBound = ChaosTimings.recoveryBound(timings);
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
                violation("b", String.format("no pod processed within %d ms after every fault was lifted at %s%s%n%s",
                        recoveryBound.toMillis(), history.at(lifted),
                        recovered == null ? "" : " (next processing at " + history.at(recovered) + ")",
                        history.timeline(lifted - CONTEXT_BEFORE, lifted + bound)));
            } else {
                recoveries++;
                maxRecovery = Math.max(maxRecovery, recovered - lifted);
            }
        }
    }

    // ---- (c) terms ---------------------------------------------------------------------------------------------

    private void checkTerms() {
        for (Source source : Source.values()) {
            Map<String, List<LeadershipEventType>> byPod = new LinkedHashMap<>();
            for (Leadership event : history.leadership()) {
                if (event.source() == source) {
                    byPod.computeIfAbsent(event.pod(), p -> new ArrayList<>()).add(event.type());
                }
            }
            byPod.forEach((pod, types) -> {
                for (int i = 0; i < types.size(); i++) {
                    LeadershipEventType expected = i % 2 == 0 ? LeadershipEventType.ELECTED : LeadershipEventType.LOST;
                    if (types.get(i) != expected || i == types.size() - 1 && expected == LeadershipEventType.ELECTED) {
                        violation("c", pod + "'s " + (source == Source.ELECTOR ? "elector" : "k8s-leader: route")
                                       + " told ELECTED and LOST out of turn (they must alternate, beginning with "
                                       + "ELECTED and ending with LOST once stopped): " + types);
                        return;
                    }
                }
            });
        }
    }

    // ---- (d) lease record --------------------------------------------------------------------------------------

    private void checkLeaseRecords() {
        LeaseVersion previous = null;
        LeaseRecord lastHeld = null;
        for (LeaseVersion version : versions) {
            LeaseRecord record = version.record();
            String problem = malformed(record);
            if (problem != null) {
                violation("d", "Lease rv=" + version.resourceVersion() + " " + problem + ": " + record);
            }
            String writtenFor = record.isHeld() ? record.holderIdentity()
                    : lastHeld == null ? null : lastHeld.holderIdentity();
            if (writtenFor != null && !writtenFor.equals(version.writer())) {
                violation("d", "Lease rv=" + version.resourceVersion() + " was written by " + version.writer()
                               + (record.isHeld() ? " for holder " : " to release the hold of ") + writtenFor + ": "
                               + record);
            }
            if (previous != null) {
                LeaseRecord before = previous.record();
                if (record.leaseTransitions() < before.leaseTransitions()) {
                    violation("d", "leaseTransitions went down from rv=" + previous.resourceVersion() + " to rv="
                                   + version.resourceVersion() + ": " + before + " -> " + record);
                }
                if (record.isHeld() && record.holderIdentity().equals(before.holderIdentity())
                    && record.leaseTransitions() == before.leaseTransitions()
                    && !Objects.equals(record.acquireTime(), before.acquireTime())) {
                    violation("d", "the term of " + record.holderIdentity() + " changed its acquireTime at rv="
                                   + version.resourceVersion() + ": " + before + " -> " + record);
                }
            }
            if (record.isHeld()) {
                if (lastHeld != null && !lastHeld.isHeldBy(record.holderIdentity())
                    && record.leaseTransitions() <= lastHeld.leaseTransitions()) {
                    violation("d", "the holder changed from " + lastHeld.holderIdentity() + " to "
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

    // ---- (e) elected after its own write, every term -------------------------------------------------------------

    /**
     * A term's write is one sent after the previous LOST, or else the one that was in flight at that LOST: the last
     * write of the pod's own sent before it, sent during the previous term and answered within renewDeadline of its
     * sending. The elector counts a write's validity from its sending, so such an answer elects it again; these are
     * counted as {@code reelections}. Either way the write made the pod holder and was answered before the ELECTED.
     * The elector's events carry the times it decided them, so a LOST or ELECTED heard late cannot move these
     * bounds.
     */
    private void checkElectedAfterOwnWrite() {
        Map<String, Long> previousElected = new HashMap<>();
        Map<String, Long> previousLost = new HashMap<>();
        for (Leadership event : electorEvents()) {
            String pod = event.pod();
            if (event.type() == LeadershipEventType.LOST) {
                previousLost.put(pod, event.nanos());
                continue;
            }
            long lost = previousLost.getOrDefault(pod, Long.MIN_VALUE);
            long elected = previousElected.getOrDefault(pod, Long.MIN_VALUE);
            previousElected.put(pod, event.nanos());
            List<LeaseVersion> own = versions.stream()
                    .filter(v -> pod.equals(v.writer()) && v.record().isHeldBy(pod)).toList();
            if (own.stream().anyMatch(v -> v.sent() > lost && v.nanos() < event.nanos())) {
                continue;
            }
            LeaseVersion inFlight = own.stream().filter(v -> v.sent() < lost)
                    .max(Comparator.comparingLong(LeaseVersion::sent)).orElse(null);
            if (inFlight != null && inFlight.sent() > elected && inFlight.nanos() < event.nanos()
                && inFlight.nanos() < inFlight.sent() + renewDeadline) {
                reelections++;
                continue;
            }
            violation("e", pod + " was ELECTED at " + history.at(event.nanos()) + " before the API server had "
                           + "answered a write of its own making it holder"
                           + (lost == Long.MIN_VALUE ? "" : " sent after its previous LOST at " + history.at(lost)
                                                            + " (or the renewal in flight then, answered in time)")
                           + "\n" + around(event.nanos(), event.nanos()));
        }
    }

    private List<Leadership> electorEvents() {
        return history.leadership().stream().filter(l -> l.source() == Source.ELECTOR).toList();
    }

    // ---- (f) one sick pod cannot stall the rest -------------------------------------------------------------------

    private void checkOneSickPodCannotStallTheRest(List<Segment> segments) {
        List<History.Fault> faults = history.faults();
        for (History.Fault fault : faults) {
            if (fault.pod() == null) {
                continue;
            }
            long bound = ChaosTimings.takeoverBound(timings, Duration.ofMillis(fault.latencyMillis())).toNanos();
            long checkedUntil = fault.begin() + bound;
            boolean alone = fault.end() >= checkedUntil && faults.stream().noneMatch(
                    other -> other != fault && other.begin() <= checkedUntil && other.end() >= fault.begin());
            if (!alone) {
                continue;
            }
            // the sick pod itself may lead on (a dropped watch, a little latency do not cost leadership); what
            // must not happen is that nobody works once the bound has passed
            long from = checkedUntil - TimeUnit.SECONDS.toNanos(1);
            boolean someoneWorks = segments.stream().anyMatch(s -> s.begin() >= from && s.begin() <= checkedUntil
                                                                   && !s.afterPause());
            if (!someoneWorks) {
                violation("f", String.format("while only %s was sick (%s), no pod was processing %d ms later%n%s",
                        fault.pod(), fault.description(), TimeUnit.NANOSECONDS.toMillis(bound),
                        history.timeline(fault.begin() - TimeUnit.SECONDS.toNanos(2), checkedUntil)));
            } else {
                singlePodFaults++;
            }
        }
    }

    // ---- (g) steps only while the elector leads -------------------------------------------------------------------

    private void checkStepsOnlyWhileLeading() {
        Map<String, List<long[]>> terms = new HashMap<>();
        for (Leadership event : electorEvents()) {
            List<long[]> ofPod = terms.computeIfAbsent(event.pod(), p -> new ArrayList<>());
            if (event.type() == LeadershipEventType.ELECTED) {
                ofPod.add(new long[] { event.nanos(), Long.MAX_VALUE });
            } else if (!ofPod.isEmpty()) {
                ofPod.get(ofPod.size() - 1)[1] = event.nanos();
            }
        }
        for (History.Step step : history.steps()) {
            boolean leading = terms.getOrDefault(step.pod(), List.of()).stream()
                    .anyMatch(term -> term[0] < step.admitted() && step.admitted() < term[1]);
            if (!leading) {
                violation("g", step.pod() + " was let begin a step at " + history.at(step.admitted())
                               + " while its elector did not lead\n" + around(step.admitted(), step.end()));
            }
        }
    }

    // ---- (h) takeover after the hold -----------------------------------------------------------------------------

    private void checkTakeoverAfterHold() {
        for (Takeover takeover : takeovers) {
            LeaseVersion version = takeover.version();
            if (version.sent() < takeover.fromHoldEnd()) {
                violation("h", version.record().holderIdentity() + " took the Lease over from " + takeover.from()
                               + " with a write sent at " + history.at(version.sent()) + " (rv="
                               + version.resourceVersion() + "), before " + takeover.from() + "'s hold ended at "
                               + history.at(takeover.fromHoldEnd()) + "\n" + around(version.sent(), version.nanos()));
            }
        }
    }

    // ---- (i) release after the steps -----------------------------------------------------------------------------

    private void checkReleaseAfterSteps() {
        for (LeaseVersion version : versions) {
            if (version.record().isHeld()) {
                continue;
            }
            for (History.Step step : history.steps()) {
                boolean running = step.begin() < version.sent() && step.end() > version.sent();
                if (running && step.pod().equals(version.writer())) {
                    violation("i", step.pod() + " sent its release (rv=" + version.resourceVersion() + ") at "
                                   + history.at(version.sent()) + " while its step begun at "
                                   + history.at(step.begin()) + " ran until " + history.at(step.end()) + "\n"
                                   + around(step.begin(), step.end()));
                }
            }
        }
    }
}

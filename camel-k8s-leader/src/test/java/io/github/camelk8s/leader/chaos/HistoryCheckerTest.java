package io.github.camelk8s.leader.chaos;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.camelk8s.leader.LeadershipEventType;
import io.github.camelk8s.leader.chaos.History.Source;
import io.github.camelk8s.leader.election.LeaseRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The history checker on histories written by hand, so that each invariant is seen to hold where it should and to
 * fail where it must. Times are milliseconds since the start of the run; renewDeadline is 1.5 s, so a pod whose last
 * write naming it holder was sent at 900 ms holds the Lease until 2400 ms.
 */
class HistoryCheckerTest {

    private static final String REMAINDER_OVERLAPS = "(a) overlap: pod-a processed  +5000.0ms.. +5003.0ms (the "
                                                     + "remainder after a pause of a step begun at ";

    private final History history = new History();
    private long resourceVersion;

    @Test
    void aHandoverAfterTheHoldEndedPasses() {
        podALeadsFromTheStart();
        step("pod-a", 10, 15);
        holderWrite("pod-a", 0, 900, 905);
        lost("pod-a", 2400);
        holderWrite("pod-b", 1, 2500, 2510);
        elected("pod-b", 2520);
        step("pod-b", 2530, 2535);
        lost("pod-b", 3000);

        assertThat(check().violations()).isEmpty();
    }

    @Test
    void theRemainderOfAStepFrozenByAPauseMayOverlapTheWorkOfATakeoverAfterTheHold() {
        pausedMidStepWhileTakenOver(2500, 1000);

        HistoryChecker.Verdict verdict = passingVerdict();

        assertThat(verdict.resumedSteps()).isEqualTo(1);
        assertThat(verdict.excusedOverlaps()).isEqualTo(1);
    }

    @Test
    void theRemainderOfAStepMayNotOverlapATakeoverSentBeforeTheHoldEnded() {
        pausedMidStepWhileTakenOver(2300, 1000);

        List<String> violations = check().violations();

        assertThat(violations).anyMatch(v -> v.startsWith(REMAINDER_OVERLAPS));
        assertThat(violations).anyMatch(v -> v.startsWith("(h) pod-b took the Lease over from pod-a"));
    }

    @Test
    void theRemainderOfAStepBegunAfterItsPodsHoldEndedIsNotExcused() {
        pausedMidStepWhileTakenOver(2500, 2450);

        assertOnlyViolation(REMAINDER_OVERLAPS);
    }

    @Test
    void anOverlapWithoutAPauseIsAViolation() {
        podALeadsFromTheStart();
        holderWrite("pod-b", 1, 2500, 2510);
        elected("pod-b", 2520);
        step("pod-a", 2528, 2533);
        step("pod-b", 2530, 2535);
        lost("pod-a", 2540);
        lost("pod-b", 3000);

        assertThat(check().violations()).anyMatch(v -> v.startsWith("(a) overlap: pod-b"));
    }

    @Test
    void everyTermIsElectedByAWriteSentAfterThePreviousLost() {
        podALeadsFromTheStart();
        lost("pod-a", 2000);
        elected("pod-a", 4000);
        lost("pod-a", 5000);

        assertOnlyViolation("(e) pod-a was ELECTED at  +4000.0ms before the API server had answered a write of its "
                            + "own making it holder sent after its previous LOST at  +2000.0ms");
    }

    @Test
    void aRenewalInFlightAtTheLostAndAnsweredWithinRenewDeadlineOfItsSendingMayElectAgain() {
        podALeadsFromTheStart();
        holderWrite("pod-a", 0, 1400, 1450);
        lost("pod-a", 1500);
        elected("pod-a", 1600);
        lost("pod-a", 2900);

        assertThat(passingVerdict().reelections()).isEqualTo(1);
    }

    @Test
    void aRenewalAnsweredAfterRenewDeadlineElectsNobody() {
        podALeadsFromTheStart();
        holderWrite("pod-a", 0, 1400, 2950);
        lost("pod-a", 1500);
        elected("pod-a", 2960);
        lost("pod-a", 3000);

        assertOnlyViolation("(e) pod-a was ELECTED at  +2960.0ms");
    }

    @Test
    void anElectionHeardLateIsJudgedByWhenTheElectorDecidedIt() {
        podALeadsFromTheStart();
        holderWrite("pod-a", 0, 1400, 1600);
        lost("pod-a", 1500);
        // the renewal in flight at that LOST elects pod-a again; its listener hears it once the route has stopped
        heardLate("pod-a", LeadershipEventType.ELECTED, 1800, 2500);
        holderWrite("pod-a", 0, 2100, 2800);
        heardLate("pod-a", LeadershipEventType.LOST, 2900, 2950);
        elected("pod-a", 3000);
        lost("pod-a", 3600);

        assertThat(passingVerdict().reelections()).isEqualTo(2);
    }

    @Test
    void noStepIsLetBeginAfterTheElectorDecidedLostThoughItsListenerHearsItLater() {
        podALeadsFromTheStart();
        heardLate("pod-a", LeadershipEventType.LOST, 1500, 2500);
        step("pod-a", 1501, 1506);

        assertOnlyViolation("(g) pod-a was let begin a step at  +1501.0ms while its elector did not lead");
    }

    @Test
    void aListenerHearingOtherEventsThanTheElectorDecidedFailsTheRunAsAHarnessError() {
        podALeadsFromTheStart();
        history.leadership("pod-a", Source.ELECTOR, LeadershipEventType.LOST, at(1500));

        assertOnlyViolation("(harness) pod-a's elector logged the decisions [ELECTED] but its listener heard "
                            + "[ELECTED, LOST]");
    }

    @Test
    void aTakeoverIsSentOnlyAfterThePreviousHoldersLastRenewalHasExpired() {
        holderWrite("pod-a", 0, 0, 5);
        holderWrite("pod-a", 0, 900, 905);
        holderWrite("pod-b", 1, 2399, 2400);

        assertOnlyViolation("(h) pod-b took the Lease over from pod-a with a write sent at  +2399.0ms (rv=3), before "
                            + "pod-a's hold ended at  +2400.0ms");
    }

    @Test
    void aTakeoverMayFollowARelease() {
        holderWrite("pod-a", 0, 0, 5);
        release("pod-a", 0, 100, 101);
        holderWrite("pod-b", 1, 102, 103);

        assertThat(check().violations()).isEmpty();
    }

    @Test
    void aPodReleasesOnlyOnceItsStepsHaveEnded() {
        podALeadsFromTheStart();
        step("pod-a", 95, 100);
        lost("pod-a", 96);
        release("pod-a", 0, 98, 99);

        assertOnlyViolation("(i) pod-a sent its release (rv=2) at    +98.0ms while its step begun at    +95.0ms "
                            + "ran until   +100.0ms");
    }

    @Test
    void aHarnessErrorFailsTheRun() {
        history.harnessError("lifting a fault failed");

        assertThat(check().violations()).containsExactly("(harness) lifting a fault failed");
    }

    @Test
    void aWriteWithoutItsSendTimeFailsTheRunAsAHarnessError() {
        history.leaseVersion(1, held("pod-a", 0, 5), "pod-a", 0, at(5));

        assertOnlyViolation("(harness) Lease rv=1 has no known writer or send time");
    }

    /**
     * pod-a leads and begins a step at {@code stepBegin}; 2 ms later it freezes until 5000 ms, then the step runs
     * on for 3 ms. Its last renewal was sent at 900 ms, so its hold ends at 2400 ms. pod-b takes over with a write
     * sent at {@code takeoverSent} and works from 4998 ms, over the remainder.
     */
    private void pausedMidStepWhileTakenOver(long takeoverSent, long stepBegin) {
        podALeadsFromTheStart();
        holderWrite("pod-a", 0, 900, 905);
        step("pod-a", stepBegin, 5003);
        history.pause("pod-a", at(stepBegin + 2), at(5000));
        holderWrite("pod-b", 1, takeoverSent, takeoverSent + 10);
        elected("pod-b", takeoverSent + 20);
        step("pod-b", 4998, 5003);
        lost("pod-a", 5001);
        lost("pod-b", 6000);
    }

    /** pod-a creates the Lease with a write sent at 0 ms and answered at 5 ms, and is ELECTED at 6 ms. */
    private void podALeadsFromTheStart() {
        holderWrite("pod-a", 0, 0, 5);
        elected("pod-a", 6);
    }

    private void assertOnlyViolation(String beginning) {
        assertThat(check().violations()).singleElement().asString().startsWith(beginning);
    }

    private HistoryChecker.Verdict passingVerdict() {
        HistoryChecker.Verdict verdict = check();
        assertThat(verdict.violations()).isEmpty();
        return verdict;
    }

    private HistoryChecker.Verdict check() {
        return HistoryChecker.check(history, ChaosTimings.TIMINGS, at(10_000));
    }

    private long at(long millis) {
        return history.origin + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** A step admitted by the policy's check as it began. */
    private void step(String pod, long begin, long end) {
        history.step(pod, at(begin), at(begin), at(end));
    }

    /** The elector decided ELECTED, and its listener heard it, at {@code millis}. */
    private void elected(String pod, long millis) {
        elector(pod, LeadershipEventType.ELECTED, millis);
    }

    private void lost(String pod, long millis) {
        elector(pod, LeadershipEventType.LOST, millis);
    }

    private void elector(String pod, LeadershipEventType type, long millis) {
        heardLate(pod, type, millis, millis);
    }

    /** The elector decided at {@code decided}; its listener heard of it at {@code heard}. */
    private void heardLate(String pod, LeadershipEventType type, long decided, long heard) {
        history.decided(pod, type, at(decided));
        history.leadership(pod, Source.ELECTOR, type, at(heard));
    }

    private void holderWrite(String pod, int transitions, long sent, long answered) {
        history.leaseVersion(++resourceVersion, held(pod, transitions, sent), pod, at(sent), at(answered));
    }

    private void release(String pod, int transitions, long sent, long answered) {
        Instant now = Instant.ofEpochMilli(sent);
        history.leaseVersion(++resourceVersion, new LeaseRecord("", 1, now, now, transitions), pod, at(sent),
                at(answered));
    }

    /** A record of the term numbered {@code transitions}: its acquireTime stays, its renewTime is the send time. */
    private static LeaseRecord held(String pod, int transitions, long sent) {
        return new LeaseRecord(pod, 2, Instant.ofEpochSecond(1000 + transitions), Instant.ofEpochMilli(sent),
                transitions);
    }
}

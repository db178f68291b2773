package io.github.camelk8s.leader.election;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.github.camelk8s.leader.election.ElectionAction.Arm;
import io.github.camelk8s.leader.election.ElectionAction.Elected;
import io.github.camelk8s.leader.election.ElectionAction.Lost;
import io.github.camelk8s.leader.election.ElectionAction.NewLeader;
import io.github.camelk8s.leader.election.ElectionAction.Send;
import io.github.camelk8s.leader.election.ElectionInput.Conflict;
import io.github.camelk8s.leader.election.ElectionInput.Failed;
import io.github.camelk8s.leader.election.ElectionInput.Read;
import io.github.camelk8s.leader.election.ElectionInput.TimerFired;
import io.github.camelk8s.leader.election.ElectionInput.Watched;
import io.github.camelk8s.leader.election.ElectionInput.Written;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.github.camelk8s.leader.election.CoreDriver.ME;
import static io.github.camelk8s.leader.election.CoreDriver.OTHER;
import static io.github.camelk8s.leader.election.CoreDriver.nanos;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The election rules, input by input, on virtual time: every input carries its local time, so nothing here waits
 * and nothing depends on the machine's speed. Timings are the defaults unless a test says otherwise
 * (leaseDuration 15 s, renewDeadline 10 s, retryPeriod 2 s, renewalInterval 2 s).
 */
class ElectionCoreTest {

    private static final RuntimeException UNREACHABLE = new IllegalStateException("connection refused");

    // ---- what the answers contain --------------------------------------------------------------------------

    static Optional<LeaseRequest> sent(List<ElectionAction> actions) {
        return actions.stream().filter(Send.class::isInstance).map(a -> ((Send) a).request()).findFirst();
    }

    static Optional<Long> armedAt(List<ElectionAction> actions, ElectionTimer timer) {
        return actions.stream().filter(a -> a instanceof Arm arm && arm.timer() == timer)
                .map(a -> ((Arm) a).atNanos()).reduce((first, second) -> second);
    }

    static <T extends ElectionAction> List<T> of(List<ElectionAction> actions, Class<T> type) {
        return actions.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static LeaseRecord written(LeaseRequest request) {
        if (request instanceof LeaseRequest.Create c) {
            return c.record();
        }
        if (request instanceof LeaseRequest.Update u) {
            return u.record();
        }
        throw new AssertionError("not a write: " + request);
    }

    @Nested
    class AFollowerDecidesFromWhatItObserved {

        /** One observation, at 1 s after start, and what the follower does about it (client-go's table style). */
        record Case(String name, Observation lease, Decision expected) {
            @Override
            public String toString() {
                return name;
            }
        }

        enum Observation { ABSENT, RELEASED, HELD_BY_OTHER, HELD_BY_OTHER_WITHOUT_DURATION, OWN_OLD_RECORD }

        enum Decision { CREATE_TERM_0, NEW_TERM, WAIT_HOLDERS_DURATION, WAIT_OWN_DURATION }

        static Stream<Case> cases() {
            return Stream.of(
                    new Case("an absent Lease is created at once", Observation.ABSENT, Decision.CREATE_TERM_0),
                    new Case("a released Lease is taken at once, counting a transition", Observation.RELEASED,
                            Decision.NEW_TERM),
                    new Case("a held Lease is waited out for the holder's leaseDurationSeconds",
                            Observation.HELD_BY_OTHER, Decision.WAIT_HOLDERS_DURATION),
                    new Case("a held Lease without a duration is waited out for our own leaseDuration",
                            Observation.HELD_BY_OTHER_WITHOUT_DURATION, Decision.WAIT_OWN_DURATION),
                    new Case("our own record from before a restart is waited out like anyone's",
                            Observation.OWN_OLD_RECORD, Decision.WAIT_HOLDERS_DURATION));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("cases")
        void decides(Case c) {
            CoreDriver driver = new CoreDriver();
            LeaseSnapshot lease = switch (c.lease()) {
                case ABSENT -> null;
                case RELEASED -> driver.released(4);
                case HELD_BY_OTHER -> driver.heldBy(OTHER, 40, 4);
                case HELD_BY_OTHER_WITHOUT_DURATION -> driver.heldBy(OTHER, 0, 4);
                case OWN_OLD_RECORD -> driver.heldBy(ME, 40, 4);
            };

            List<ElectionAction> answer = driver.startAndRead(1_000, lease);

            Optional<LeaseRequest> request = sent(answer);
            switch (c.expected()) {
                case CREATE_TERM_0 -> {
                    assertThat(request).containsInstanceOf(LeaseRequest.Create.class);
                    assertThat(written(request.get())).extracting(LeaseRecord::holderIdentity,
                            LeaseRecord::leaseDurationSeconds, LeaseRecord::leaseTransitions).containsExactly(ME, 15, 0);
                }
                case NEW_TERM -> {
                    assertThat(request).containsInstanceOf(LeaseRequest.Update.class);
                    assertThat(((LeaseRequest.Update) request.get()).base()).isSameAs(lease);
                    assertThat(written(request.get())).extracting(LeaseRecord::holderIdentity,
                            LeaseRecord::leaseTransitions).containsExactly(ME, 5);
                }
                case WAIT_HOLDERS_DURATION -> {
                    assertThat(request).isEmpty();
                    assertThat(armedAt(answer, ElectionTimer.EXPIRY)).contains(nanos(1_000 + 40_000));
                }
                case WAIT_OWN_DURATION -> {
                    assertThat(request).isEmpty();
                    assertThat(armedAt(answer, ElectionTimer.EXPIRY)).contains(nanos(1_000 + 15_000));
                }
            }
        }

        @Test
        void aHeldLeaseIsTakenOverWhenItStayedUnchangedForTheHoldersDuration() {
            CoreDriver driver = new CoreDriver();
            LeaseSnapshot held = driver.heldBy(OTHER, 20, 7);
            driver.startAndRead(1_000, held);

            List<ElectionAction> answer = driver.at(21_000, new TimerFired(ElectionTimer.EXPIRY, true));

            LeaseRequest.Update takeover = (LeaseRequest.Update) sent(answer).orElseThrow();
            assertThat(takeover.base()).isSameAs(held);
            assertThat(takeover.record()).extracting(LeaseRecord::holderIdentity, LeaseRecord::leaseTransitions)
                    .containsExactly(ME, 8);
        }

        @Test
        void everyChangeOfTheRecordRestartsTheExpiryNotOnlyAChangeOfHolder() {
            CoreDriver driver = new CoreDriver();
            LeaseSnapshot held = driver.heldBy(OTHER, 20);
            driver.startAndRead(1_000, held);

            List<ElectionAction> answer = driver.at(19_000, new Watched(driver.renewed(held, 19_000)));

            assertThat(armedAt(answer, ElectionTimer.EXPIRY)).contains(nanos(19_000 + 20_000));
            assertThat(sent(driver.at(21_000, new TimerFired(ElectionTimer.EXPIRY, true)))).isEmpty();
        }

        @Test
        void reReadingAnUnchangedRecordDoesNotPostponeItsExpiry() {
            CoreDriver driver = new CoreDriver();
            LeaseSnapshot held = driver.heldBy(OTHER, 20);
            driver.startAndRead(1_000, held);
            driver.at(9_000, new TimerFired(ElectionTimer.POLL, false));

            List<ElectionAction> answer = driver.at(9_010, new Read(CoreDriver.version(held, held.resourceVersion())));

            assertThat(armedAt(answer, ElectionTimer.EXPIRY)).isEmpty();
            assertThat(sent(driver.at(21_000, new TimerFired(ElectionTimer.EXPIRY, true))))
                    .containsInstanceOf(LeaseRequest.Update.class);
        }

        @Test
        void theRemoteRenewTimeIsNeverComparedWithTheLocalClock() {
            // a holder whose wall clock is an hour behind writes renewTimes an hour "old": still valid
            CoreDriver driver = new CoreDriver();
            LeaseSnapshot held = driver.heldBy(OTHER, 20);
            LeaseRecord r = held.record();
            LeaseSnapshot skewed = new LeaseSnapshot(new LeaseRecord(OTHER, 20, r.acquireTime().minusSeconds(3600),
                    r.renewTime().minusSeconds(3600), 0), held.resourceVersion(), null);

            List<ElectionAction> answer = driver.startAndRead(1_000, skewed);

            assertThat(sent(answer)).isEmpty();
            assertThat(armedAt(answer, ElectionTimer.EXPIRY)).contains(nanos(21_000));
        }

        @Test
        void anotherHolderIsAnnouncedOnceAsNewLeader() {
            CoreDriver driver = new CoreDriver();
            LeaseSnapshot held = driver.heldBy(OTHER, 20);

            assertThat(of(driver.startAndRead(1_000, held), NewLeader.class)).hasSize(1);
            assertThat(of(driver.at(3_000, new Watched(driver.renewed(held, 3_000))), NewLeader.class)).isEmpty();
        }
    }

    @Nested
    class ALeadersValidity {

        @Test
        void aCandidateIsElectedOnlyWhenItsWriteIsAnswered() {
            CoreDriver driver = new CoreDriver();
            List<ElectionAction> beforeAnswer = driver.startAndRead(10, null);
            assertThat(of(beforeAnswer, Elected.class)).isEmpty();
            assertThat(driver.isLeaderAt(20)).isFalse();

            List<ElectionAction> answered = driver.at(30, new Written(driver.written()));

            assertThat(of(answered, Elected.class)).hasSize(1);
            assertThat(driver.isLeaderAt(30)).isTrue();
        }

        @Test
        void validityRunsFromTheSendTimeOfTheWriteNotFromItsAnswer() {
            CoreDriver driver = new CoreDriver();
            // the create leaves at 10 and is answered at 4,010
            List<ElectionAction> answered = driver.electedAt(4_010);

            assertThat(armedAt(answered, ElectionTimer.DEADLINE)).contains(nanos(10 + 10_000));
            assertThat(driver.isLeaderAt(10_009)).isTrue();
            assertThat(driver.isLeaderAt(10_010)).isFalse();
        }

        @Test
        void aWriteAnsweredAfterRenewDeadlineDoesNotElect() {
            CoreDriver driver = new CoreDriver();

            List<ElectionAction> answered = driver.electedAt(10 + 10_000);

            assertThat(of(answered, Elected.class)).isEmpty();
            assertThat(driver.isLeaderAt(10_010)).isFalse();
            // the record is ours now, and it expires like anyone else's: leaseDuration after we saw it
            assertThat(armedAt(answered, ElectionTimer.EXPIRY)).contains(nanos(10_010 + 15_000));
        }

        @Test
        void aLeaderRenewsRenewalIntervalAfterItsLastRenewalWasSent() {
            CoreDriver driver = new CoreDriver();
            // the create leaves at 10 and is answered at 30
            List<ElectionAction> elected = driver.electedAt(30);
            assertThat(armedAt(elected, ElectionTimer.RENEW)).contains(nanos(10 + 2_000));

            List<ElectionAction> due = driver.at(2_010, new TimerFired(ElectionTimer.RENEW, true));

            LeaseRequest.Update renewal = (LeaseRequest.Update) sent(due).orElseThrow();
            assertThat(renewal.record().acquireTime()).isEqualTo(CoreDriver.wall(10));
            assertThat(renewal.record().renewTime()).isEqualTo(CoreDriver.wall(2_010));
            List<ElectionAction> renewed = driver.at(2_050, new Written(driver.written()));
            assertThat(armedAt(renewed, ElectionTimer.DEADLINE)).contains(nanos(2_010 + 10_000));
            assertThat(armedAt(renewed, ElectionTimer.RENEW)).contains(nanos(2_010 + 2_000));
        }

        @Test
        void aLeaderWhoseRoundTripExceedsRenewalIntervalRenewsAsSoonAsItsRenewalIsAnswered() {
            CoreDriver driver = new CoreDriver();
            driver.electedAt(30);
            driver.at(2_010, new TimerFired(ElectionTimer.RENEW, true));

            // answered 2.5 s after it left: the next renewal is already due
            List<ElectionAction> renewed = driver.at(4_510, new Written(driver.written()));

            assertThat(armedAt(renewed, ElectionTimer.RENEW)).contains(nanos(2_010 + 2_000));
            assertThat(driver.isLeaderAt(4_510)).isTrue();
        }

        @Test
        void theDeadlineTimerEndsLeadershipWhateverIsInFlight() {
            CoreDriver driver = new CoreDriver();
            driver.electedAt(30);
            driver.at(2_030, new TimerFired(ElectionTimer.RENEW, true));
            // the renewal hangs: no answer

            List<ElectionAction> deadline = driver.at(10_010, new TimerFired(ElectionTimer.DEADLINE, true));

            assertThat(of(deadline, Lost.class)).singleElement().extracting(Lost::reason).asString()
                    .contains("renewDeadline");
            assertThat(driver.core.state()).isEqualTo(LeaseElector.State.FOLLOWER);
        }

        @Test
        void aLateRenewalAnswerAfterTheDeadlineDoesNotMakeALeaderAgain() {
            CoreDriver driver = new CoreDriver();
            driver.electedAt(30);
            driver.at(2_030, new TimerFired(ElectionTimer.RENEW, true));
            driver.at(10_010, new TimerFired(ElectionTimer.DEADLINE, true));

            List<ElectionAction> late = driver.at(12_500, new Written(driver.written()));

            assertThat(of(late, Elected.class)).isEmpty();
            assertThat(driver.isLeaderAt(12_500)).isFalse();
        }

        @Test
        void aFailedRenewalIsRetriedAtTheSoonerOfRenewalIntervalAndRetryPeriod() {
            CoreDriver driver = new CoreDriver(b -> b.renewalInterval(Duration.ofMillis(500)));
            driver.electedAt(30);
            driver.at(530, new TimerFired(ElectionTimer.RENEW, true));

            List<ElectionAction> failed = driver.at(600, new Failed(UNREACHABLE));

            assertThat(armedAt(failed, ElectionTimer.RETRY)).contains(nanos(600 + 500));
            assertThat(driver.isLeaderAt(600)).isTrue();
            // the retry reads first: the failed write may have been applied
            assertThat(sent(driver.at(1_100, new TimerFired(ElectionTimer.RETRY, true))))
                    .containsInstanceOf(LeaseRequest.Get.class);
        }

        @Test
        void aLeaderThatObservesAnotherHolderStepsDownAtOnce() {
            CoreDriver driver = new CoreDriver();
            driver.electedAt(30);

            List<ElectionAction> observed = driver.at(900, new Watched(driver.heldBy(OTHER, 15, 1)));

            assertThat(of(observed, Lost.class)).hasSize(1);
            assertThat(of(observed, NewLeader.class)).hasSize(1);
            assertThat(driver.isLeaderAt(900)).isFalse();
        }

        @Test
        void aLeaderWhoseLeaseIsDeletedStepsDownAndCreatesItAgain() {
            CoreDriver driver = new CoreDriver();
            driver.electedAt(30);

            List<ElectionAction> deleted = driver.at(900, new ElectionInput.WatchedDeletion(false));

            assertThat(of(deleted, Lost.class)).hasSize(1);
            assertThat(sent(deleted)).containsInstanceOf(LeaseRequest.Create.class);
        }

        @Test
        void aRenewalConflictIsAnsweredByReadingAgain() {
            CoreDriver driver = new CoreDriver();
            driver.electedAt(30);
            driver.at(2_030, new TimerFired(ElectionTimer.RENEW, true));

            List<ElectionAction> conflict = driver.at(2_040, new Conflict(true));

            assertThat(sent(conflict)).containsInstanceOf(LeaseRequest.Get.class);
            assertThat(driver.isLeaderAt(2_040)).isTrue();
        }
    }

    @Nested
    class WhatIsAcceptedAsTheLeaseNow {

        @Test
        void aWatchEventOlderThanWhatWasWrittenIsDropped() {
            CoreDriver driver = new CoreDriver();
            driver.electedAt(30);
            LeaseSnapshot stale = CoreDriver.version(driver.heldBy(OTHER, 15), "50");

            List<ElectionAction> answer = driver.at(40, new Watched(stale));

            assertThat(answer).isEmpty();
            assertThat(driver.isLeaderAt(40)).isTrue();
        }

        @Test
        void aReadIsTheLeaseNowWhateverItsResourceVersionAfterAnEtcdRestore() {
            CoreDriver driver = new CoreDriver();
            driver.electedAt(30);
            driver.at(2_030, new TimerFired(ElectionTimer.RENEW, true));
            // the store was restored: our record, renumbered far below what we wrote
            LeaseSnapshot restored = CoreDriver.version(driver.written(), "3");
            driver.at(2_040, new Conflict(true));

            List<ElectionAction> read = driver.at(2_050, new Read(restored));

            LeaseRequest.Update renewal = (LeaseRequest.Update) sent(read).orElseThrow();
            assertThat(renewal.base().resourceVersion()).isEqualTo("3");
            assertThat(driver.isLeaderAt(2_050)).isTrue();
        }

        @Test
        void aWriteAnswerTheWatchHasOvertakenMakesNoTerm() {
            CoreDriver driver = new CoreDriver();
            driver.electedAt(30);
            driver.at(2_010, new TimerFired(ElectionTimer.RENEW, true));
            LeaseSnapshot renewed = driver.written();
            driver.at(2_020, new Watched(renewed));
            // deleted by hand and re-created by another while the renewal's answer is still on its way
            driver.at(2_030, new ElectionInput.WatchedDeletion(false));
            LeaseSnapshot recreated = driver.heldBy(OTHER, 15);
            driver.at(2_040, new Watched(recreated));

            List<ElectionAction> late = driver.at(2_100, new Written(renewed));

            assertThat(of(late, Elected.class)).isEmpty();
            assertThat(driver.isLeaderAt(2_100)).isFalse();
            assertThat(driver.core.observedRecord()).isEqualTo(recreated.record());
        }

        @Test
        void aDeleteSeenByARelistIsActedOnEvenWhenItsLastKnownStateIsStale() {
            CoreDriver driver = new CoreDriver();
            driver.startAndRead(1_000, driver.heldBy(OTHER, 20));

            List<ElectionAction> deleted = driver.at(2_000, new ElectionInput.WatchedDeletion(true));

            // creating is safe whatever the truth: the API server refuses it if the Lease exists after all
            assertThat(sent(deleted)).containsInstanceOf(LeaseRequest.Create.class);
        }

        @Test
        void aFollowerThatLosesARaceWaitsForTheWatchInsteadOfReading() {
            CoreDriver driver = new CoreDriver();
            driver.startAndRead(1_000, driver.released(2));

            List<ElectionAction> conflict = driver.at(1_010, new Conflict(true));

            assertThat(sent(conflict)).isEmpty();
            assertThat(armedAt(conflict, ElectionTimer.RETRY)).contains(nanos(1_010 + 2_000));
            List<ElectionAction> winner = driver.at(1_020, new Watched(driver.heldBy(OTHER, 15, 3)));
            assertThat(sent(winner)).isEmpty();
            assertThat(of(winner, ElectionAction.Cancel.class)).extracting(ElectionAction.Cancel::timer)
                    .contains(ElectionTimer.RETRY);
        }

        @Test
        void threeConflictsInARowBackOffForARetryPeriod() {
            CoreDriver driver = new CoreDriver();
            driver.startAndRead(1_000, driver.released(2));
            driver.at(1_010, new Conflict(false));
            driver.at(1_020, new Read(driver.released(3)));
            driver.at(1_030, new Conflict(false));
            driver.at(1_040, new Read(driver.released(4)));

            List<ElectionAction> third = driver.at(1_050, new Conflict(false));

            assertThat(sent(third)).isEmpty();
            assertThat(armedAt(third, ElectionTimer.RETRY)).contains(nanos(1_050 + 2_000));
        }

        @Test
        void aFollowerPollsOnlyWhileItsWatchIsDown() {
            CoreDriver driver = new CoreDriver();
            driver.startAndRead(1_000, driver.heldBy(OTHER, 20));

            assertThat(sent(driver.at(2_000, new TimerFired(ElectionTimer.POLL, true)))).isEmpty();
            assertThat(sent(driver.at(4_000, new TimerFired(ElectionTimer.POLL, false))))
                    .containsInstanceOf(LeaseRequest.Get.class);
        }
    }

    @Nested
    class StoppingAndYielding {

        @Test
        void noStepBeginsAfterLostEvenWhileTheLeaseIsStillValid() {
            CoreDriver driver = new CoreDriver();
            driver.electedAt(30);
            assertThat(driver.core.tryBeginStep(nanos(40))).isTrue();

            driver.at(50, new ElectionInput.Stop());

            assertThat(driver.core.tryBeginStep(nanos(60))).isFalse();
            assertThat(driver.isLeaderAt(60)).isFalse();
        }

        @Test
        void aStoppedLeaderReleasesOnlyOnceItsStepsHaveEndedAndLostWasDelivered() {
            CoreDriver driver = new CoreDriver();
            driver.electedAt(30);
            driver.core.tryBeginStep(nanos(40));

            List<ElectionAction> stop = driver.at(50, new ElectionInput.Stop());
            assertThat(of(stop, Lost.class)).hasSize(1);
            assertThat(sent(stop)).isEmpty();
            assertThat(sent(driver.at(60, new ElectionInput.LostDelivered()))).isEmpty();

            List<ElectionAction> stepEnded = driver.at(5_000, new ElectionInput.StepEnded());

            LeaseRecord release = written(sent(stepEnded).orElseThrow());
            assertThat(release.holderIdentity()).isEmpty();
            assertThat(release.leaseDurationSeconds()).isEqualTo(1);
            assertThat(of(driver.at(5_010, new Written(driver.written())), ElectionAction.Stopped.class)).hasSize(1);
        }

        @Test
        void aDrainingLeaderKeepsRenewingSoTheStepsInFlightStayCovered() {
            CoreDriver driver = new CoreDriver();
            driver.electedAt(30);
            driver.core.tryBeginStep(nanos(40));
            driver.at(50, new ElectionInput.Stop());
            driver.at(60, new ElectionInput.LostDelivered());

            List<ElectionAction> due = driver.at(2_030, new TimerFired(ElectionTimer.RENEW, true));

            assertThat(written(sent(due).orElseThrow()).holderIdentity()).isEqualTo(ME);
        }

        @Test
        void stepsStillRunningAfterLeaseDurationLeaveTheLeaseToExpireInsteadOfReleasingIt() {
            CoreDriver driver = new CoreDriver();
            driver.electedAt(30);
            driver.core.tryBeginStep(nanos(40));
            List<ElectionAction> stop = driver.at(50, new ElectionInput.Stop());
            assertThat(armedAt(stop, ElectionTimer.DRAIN_TIMEOUT)).contains(nanos(50 + 15_000));
            driver.at(60, new ElectionInput.LostDelivered());

            List<ElectionAction> timeout = driver.at(15_050, new TimerFired(ElectionTimer.DRAIN_TIMEOUT, true));

            assertThat(sent(timeout)).isEmpty();
            assertThat(of(timeout, ElectionAction.Stopped.class)).hasSize(1);
        }

        @Test
        void withoutReleaseOnStopTheRecordIsLeftToExpire() {
            CoreDriver driver = new CoreDriver(b -> b.releaseOnStop(false));
            driver.electedAt(30);

            List<ElectionAction> stop = driver.at(50, new ElectionInput.Stop());
            List<ElectionAction> delivered = driver.at(60, new ElectionInput.LostDelivered());

            assertThat(sent(stop)).isEmpty();
            assertThat(sent(delivered)).isEmpty();
            assertThat(of(delivered, ElectionAction.Stopped.class)).hasSize(1);
        }

        @Test
        void aStopWhileAnAcquisitionIsInFlightReleasesWhatItWon() {
            CoreDriver driver = new CoreDriver();
            driver.startAndRead(10, null);
            driver.at(20, new ElectionInput.Stop());

            List<ElectionAction> won = driver.at(30, new Written(driver.written()));

            assertThat(of(won, Elected.class)).isEmpty();
            assertThat(written(sent(won).orElseThrow()).holderIdentity()).isEmpty();
        }

        @Test
        void aRecordOfAPreviousIncarnationIsNeverReleased() {
            CoreDriver driver = new CoreDriver();
            driver.startAndRead(1_000, driver.heldBy(ME, 15));

            List<ElectionAction> stop = driver.at(2_000, new ElectionInput.Stop());

            assertThat(sent(stop)).isEmpty();
            assertThat(of(stop, ElectionAction.Stopped.class)).hasSize(1);
        }

        @Test
        void aYieldingLeaderReleasesThenStaysOutThenCompetesAgain() {
            CoreDriver driver = new CoreDriver();
            driver.electedAt(30);

            List<ElectionAction> yield = driver.at(100, new ElectionInput.Yield(Duration.ofSeconds(30)));
            assertThat(of(yield, Lost.class)).hasSize(1);
            assertThat(armedAt(yield, ElectionTimer.YIELD_END)).contains(nanos(30_100));
            List<ElectionAction> delivered = driver.at(110, new ElectionInput.LostDelivered());
            assertThat(written(sent(delivered).orElseThrow()).holderIdentity()).isEmpty();
            driver.at(120, new Written(driver.written()));
            assertThat(driver.core.isYielding()).isTrue();

            // a released Lease seen while yielding is left alone
            assertThat(sent(driver.at(200, new Watched(driver.released(0))))).isEmpty();
            List<ElectionAction> over = driver.at(30_100, new TimerFired(ElectionTimer.YIELD_END, true));

            assertThat(driver.core.isYielding()).isFalse();
            assertThat(sent(over)).containsInstanceOf(LeaseRequest.Get.class);
        }

        @Test
        void aWithdrawalReleasesAndLastsUntilResumeWithNoEndArmed() {
            CoreDriver driver = new CoreDriver();
            driver.electedAt(30);

            List<ElectionAction> withdraw = driver.at(100, new ElectionInput.Yield(null));
            assertThat(of(withdraw, Lost.class)).hasSize(1);
            assertThat(armedAt(withdraw, ElectionTimer.YIELD_END)).isEmpty();
            driver.at(110, new ElectionInput.LostDelivered());
            driver.at(120, new Written(driver.written()));
            assertThat(driver.core.isYielding()).isTrue();
            assertThat(sent(driver.at(600_000, new Watched(driver.released(0))))).isEmpty();

            List<ElectionAction> resume = driver.at(600_010, new ElectionInput.Resume());

            assertThat(driver.core.isYielding()).isFalse();
            assertThat(sent(resume)).containsInstanceOf(LeaseRequest.Get.class);
        }

        @Test
        void aCandidateThatWatchedTheRecordWhileWithdrawnTakesItOverAtOnceWhenItResumesAfterExpiry() {
            CoreDriver driver = new CoreDriver();
            LeaseSnapshot held = driver.heldBy("pod-b", 3);
            driver.startAndRead(10, held);
            driver.at(20, new ElectionInput.Yield(null));
            assertThat(driver.core.isYielding()).isTrue();

            // pod-b crashed at 10: its record is unchanged since, and 5 s > its 3 s have passed
            driver.at(5_000, new ElectionInput.Resume());
            List<ElectionAction> read = driver.at(5_010, new ElectionInput.Read(held));

            assertThat(sent(read)).containsInstanceOf(LeaseRequest.Update.class);
            assertThat(written(sent(read).orElseThrow()).holderIdentity()).isEqualTo(CoreDriver.ME);
        }

        @Test
        void aYieldWhileYieldingKeepsTheEndOfTheFirstSoRepeatedYieldsCannotKeepTheLeaseUnheld() {
            CoreDriver driver = new CoreDriver();
            driver.electedAt(30);
            driver.at(100, new ElectionInput.Yield(Duration.ofSeconds(30)));
            driver.at(110, new ElectionInput.LostDelivered());
            driver.at(120, new Written(driver.written()));

            List<ElectionAction> again = driver.at(20_000, new ElectionInput.Yield(Duration.ofSeconds(30)));

            assertThat(armedAt(again, ElectionTimer.YIELD_END)).isEmpty();
            driver.at(30_100, new TimerFired(ElectionTimer.YIELD_END, true));
            assertThat(driver.core.isYielding()).isFalse();
        }

        @Test
        void aTimedYieldLeavesAWithdrawnCandidateWithdrawnUntilItResumes() {
            CoreDriver driver = new CoreDriver();
            driver.startAndRead(10, driver.heldBy("pod-b", 3));
            driver.at(20, new ElectionInput.Yield(null));

            List<ElectionAction> yield = driver.at(30, new ElectionInput.Yield(Duration.ofSeconds(1)));

            assertThat(armedAt(yield, ElectionTimer.YIELD_END)).isEmpty();
            assertThat(driver.core.isYielding()).isTrue();
            driver.at(60_000, new ElectionInput.Resume());
            assertThat(driver.core.isYielding()).isFalse();
        }

        @Test
        void aWithdrawalAfterAResumeDuringTheReleaseStaysWithdrawn() {
            CoreDriver driver = new CoreDriver();
            driver.electedAt(30);
            driver.at(100, new ElectionInput.Yield(null));
            driver.at(110, new ElectionInput.LostDelivered());
            // the rebalancer resumes and withdraws again while the release is in flight
            driver.at(115, new ElectionInput.Resume());
            driver.at(118, new ElectionInput.Yield(null));

            driver.at(120, new Written(driver.written()));

            assertThat(driver.core.isYielding()).isTrue();
            assertThat(sent(driver.at(130, new Watched(driver.released(1))))).isEmpty();
        }

        @Test
        void aResumeWithoutAWithdrawalChangesNothing() {
            CoreDriver driver = new CoreDriver();
            driver.electedAt(30);

            assertThat(sent(driver.at(40, new ElectionInput.Resume()))).isEmpty();
            assertThat(driver.isLeaderAt(50)).isTrue();
        }
    }

    @Nested
    class Warnings {

        @Test
        void aMarginOfOneSecondOrLessWithWritesUnderASecondApartIsWarnedAbout() {
            CoreDriver driver = new CoreDriver(b -> b.leaseDuration(Duration.ofSeconds(2))
                    .renewDeadline(Duration.ofMillis(1500)).retryPeriod(Duration.ofMillis(200))
                    .renewalInterval(Duration.ofMillis(300)));

            List<ElectionAction> start = driver.at(0, new ElectionInput.Start());

            assertThat(of(start, ElectionAction.Report.class))
                    .filteredOn(r -> r.kind() == ElectionAction.Report.Kind.PROBLEM).singleElement()
                    .extracting(ElectionAction.Report::message).asString()
                    .contains("leaseDuration - renewDeadline is 500ms", "retries come 200ms apart", "client-go");
        }

        @Test
        void theDefaultsAreNotWarnedAbout() {
            List<ElectionAction> start = new CoreDriver().at(0, new ElectionInput.Start());

            assertThat(of(start, ElectionAction.Report.class)).isEmpty();
        }
    }
}

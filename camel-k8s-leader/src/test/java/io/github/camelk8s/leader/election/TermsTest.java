package io.github.camelk8s.leader.election;

import java.time.Instant;
import java.util.List;

import io.github.camelk8s.leader.election.ElectionAction.Elected;
import io.github.camelk8s.leader.election.ElectionAction.Lost;
import io.github.camelk8s.leader.election.ElectionInput.TimerFired;
import io.github.camelk8s.leader.election.ElectionInput.Written;
import org.junit.jupiter.api.Test;

import static io.github.camelk8s.leader.election.CoreDriver.ME;
import static io.github.camelk8s.leader.election.CoreDriver.nanos;
import static io.github.camelk8s.leader.election.ElectionCoreTest.of;
import static io.github.camelk8s.leader.election.ElectionCoreTest.sent;
import static io.github.camelk8s.leader.election.ElectionCoreTest.written;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Terms and their fencing tokens, on virtual time: every ELECTED begins a term whose token is greater than every
 * earlier term's, and leader-only work pinned to a term never runs a step in another. Default timings
 * (leaseDuration 15 s, renewDeadline 10 s, renewalInterval 2 s).
 */
class TermsTest {

    private static final Instant CREATED = Instant.parse("2026-12-01T09:59:58.750Z");

    /** Elected at 30 ms on a Lease it created, which the API server stamped {@link #CREATED}. */
    private static CoreDriver electedOnALeaseCreatedAtCreated() {
        CoreDriver driver = new CoreDriver();
        driver.startAndRead(10, null);
        driver.at(30, new Written(driver.written(CREATED)));
        return driver;
    }

    @Test
    void aTermsTokenIsTheLeasesCreationSecondThenItsLeaseTransitions() {
        CoreDriver driver = new CoreDriver();
        driver.startAndRead(10, driver.heldBy("pod-b", 15, 6));
        driver.at(15_010, new TimerFired(ElectionTimer.EXPIRY, true));

        driver.at(15_030, new Written(driver.written(CREATED)));

        assertThat(driver.core.term()).isEqualTo(new FencingToken(CREATED.getEpochSecond(), 7));
        assertThat(driver.core.term().value()).isEqualTo(CREATED.getEpochSecond() * 1_000_000_000L + 7);
    }

    @Test
    void aFollowerHasNoTerm() {
        CoreDriver driver = new CoreDriver();
        driver.electedAt(30);
        driver.at(10_010, new TimerFired(ElectionTimer.DEADLINE, true));

        assertThat(driver.core.term()).isNull();
    }

    @Test
    void everyStepOfATermBeginsWithItsToken() {
        CoreDriver driver = electedOnALeaseCreatedAtCreated();
        FencingToken term = driver.core.term();

        assertThat(driver.core.tryBeginStep(nanos(40), null)).isEqualTo(term);
        assertThat(driver.core.tryBeginStep(nanos(50), term)).isEqualTo(term);
    }

    @Test
    void aCandidateTakingBackItsOwnExpiredRecordBeginsATermCountedOneHigher() {
        CoreDriver driver = new CoreDriver();
        // its previous incarnation's record, or a term it lost: that work may still be writing with token 4
        driver.startAndRead(10, driver.heldBy(ME, 15, 4));

        List<ElectionAction> expired = driver.at(15_010, new TimerFired(ElectionTimer.EXPIRY, true));

        assertThat(written(sent(expired).orElseThrow()).leaseTransitions()).isEqualTo(5);
    }

    @Test
    void aRenewalAnsweredAfterTheDeadlineToldLostBeginsANewTermInsteadOfReturningToTheLostOne() {
        CoreDriver driver = electedOnALeaseCreatedAtCreated();
        FencingToken lost = driver.core.term();
        // resumed from a pause at 12,000: the renewal due at 2,010 and the deadline of 10,010 are handled at once
        driver.at(12_000, new TimerFired(ElectionTimer.RENEW, true));
        assertThat(of(driver.at(12_000, new TimerFired(ElectionTimer.DEADLINE, true)), Lost.class)).hasSize(1);

        List<ElectionAction> renewed = driver.at(12_020, new Written(driver.written(CREATED)));

        assertThat(of(renewed, Elected.class)).isEmpty();
        assertThat(written(sent(renewed).orElseThrow()).leaseTransitions())
                .isEqualTo(lost.leaseTransitions() + 1);
        List<ElectionAction> renumbered = driver.at(12_040, new Written(driver.written(CREATED)));
        assertThat(of(renumbered, Elected.class)).hasSize(1);
        assertThat(driver.core.term()).isGreaterThan(lost);
    }

    @Test
    void aLeaseThisCandidateCreatesAgainIsANewTermNotARenewalOfTheLostOne() {
        CoreDriver driver = electedOnALeaseCreatedAtCreated();
        driver.at(10_010, new TimerFired(ElectionTimer.DEADLINE, true));
        driver.at(10_020, new ElectionInput.WatchedDeletion(false));

        // created again within the same second: it numbers its first term as the lost one, but has its own
        // acquireTime, so it is elected on as it is (the documented limit of the token), not renumbered
        List<ElectionAction> created = driver.at(10_040, new Written(driver.written(CREATED)));

        assertThat(of(created, Elected.class)).hasSize(1);
        assertThat(driver.core.term().leaseTransitions()).isZero();
    }

    @Test
    void aStepPinnedToAnEarlierTermDoesNotBeginInALaterOne() {
        CoreDriver driver = electedOnALeaseCreatedAtCreated();
        FencingToken first = driver.core.term();
        driver.at(10_010, new TimerFired(ElectionTimer.DEADLINE, true));
        driver.at(25_010, new TimerFired(ElectionTimer.EXPIRY, true));
        driver.at(25_030, new Written(driver.written(CREATED)));
        assertThat(driver.core.term()).isGreaterThan(first);

        assertThat(driver.core.tryBeginStep(nanos(25_040), first)).isNull();
        assertThat(driver.core.stepsInFlight).isZero();
    }

    @Test
    void aReCreatedLeasesTermsOutrankTheDeletedOnesWhateverTheirCount() {
        FencingToken deleted = new FencingToken(CREATED.getEpochSecond(), 41);

        FencingToken recreated = new FencingToken(CREATED.getEpochSecond() + 1, 0);

        assertThat(recreated).isGreaterThan(deleted);
        assertThat(recreated.value()).isGreaterThan(deleted.value());
    }
}

package io.github.camelk8s.leader.election;

import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who is a live member, from the slot Leases as observed, on virtual time: a held slot's holder until the record
 * has stayed unchanged for its leaseDurationSeconds (3 s here) from when it was seen to change, a released or
 * deleted slot's nobody.
 */
class MemberSlotsTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long LEASE_DURATION = 3 * SECOND;
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final MemberSlots slots = new MemberSlots("shop", LEASE_DURATION);

    private static LeaseRecord heldBy(String holder, int renewals) {
        return new LeaseRecord(holder, 3, T0, T0.plusSeconds(renewals), 0);
    }

    private static LeaseRecord released() {
        return new LeaseRecord("", 1, T0, T0, 0);
    }

    @Test
    void theHolderOfAValidSlotIsAMember() {
        slots.observed("shop-member-0", heldBy("pod-a", 0), "1", 0);

        assertThat(slots.members(SECOND)).containsExactly("pod-a");
    }

    @Test
    void aSlotNotRenewedDropsItsHolderExactlyWhenLeaseDurationHasPassedSinceItWasSeen() {
        slots.observed("shop-member-0", heldBy("pod-a", 0), "1", 5 * SECOND);

        assertThat(slots.members(5 * SECOND + LEASE_DURATION - 1)).containsExactly("pod-a");
        assertThat(slots.members(5 * SECOND + LEASE_DURATION)).isEmpty();
    }

    @Test
    void aRenewalRestartsTheExpiry() {
        slots.observed("shop-member-0", heldBy("pod-a", 0), "1", 0);
        slots.observed("shop-member-0", heldBy("pod-a", 2), "2", 2 * SECOND);

        assertThat(slots.members(2 * SECOND + LEASE_DURATION - 1)).containsExactly("pod-a");
        assertThat(slots.nextExpiry(2 * SECOND)).isEqualTo(2 * SECOND + LEASE_DURATION);
    }

    @Test
    void theSameRecordSeenAgainDoesNotRestartTheExpiry() {
        slots.observed("shop-member-0", heldBy("pod-a", 0), "1", 0);
        slots.observed("shop-member-0", heldBy("pod-a", 0), "1", 2 * SECOND);

        assertThat(slots.members(LEASE_DURATION)).isEmpty();
    }

    @Test
    void aReleasedSlotHasNoMemberAtOnce() {
        slots.observed("shop-member-0", heldBy("pod-a", 0), "1", 0);
        slots.observed("shop-member-0", released(), "2", SECOND);

        assertThat(slots.members(SECOND)).isEmpty();
    }

    @Test
    void aDeletedSlotHasNoMember() {
        slots.observed("shop-member-0", heldBy("pod-a", 0), "1", 0);
        slots.deleted("shop-member-0");

        assertThat(slots.members(0)).isEmpty();
    }

    @Test
    void aSlotMissingFromAListHasNoMember() {
        slots.observed("shop-member-0", heldBy("pod-a", 0), "1", 0);
        slots.observed("shop-member-1", heldBy("pod-b", 0), "2", 0);

        slots.keepOnly(Set.of("shop-member-1", "orders"));

        assertThat(slots.members(0)).containsExactly("pod-b");
    }

    @Test
    void anOlderVersionFromTheWatchIsIgnored() {
        slots.observed("shop-member-0", released(), "7", SECOND);
        slots.observed("shop-member-0", heldBy("pod-a", 0), "6", SECOND);

        assertThat(slots.members(SECOND)).isEmpty();
    }

    @Test
    void anOlderVersionFromTheWatchIsIgnoredWhileTheSlotIsValid() {
        slots.observed("shop-member-0", heldBy("pod-a", 2), "7", 0);
        slots.observed("shop-member-0", heldBy("pod-a", 1), "6", SECOND);

        assertThat(slots.members(LEASE_DURATION - 1)).containsExactly("pod-a");
        assertThat(slots.members(LEASE_DURATION)).isEmpty();
    }

    @Test
    void afterAnEtcdRestoreALaterTermIsTakenThoughItsResourceVersionIsLower() {
        slots.observed("shop-member-0", released(), "7000", 0);
        slots.observed("shop-member-0", new LeaseRecord("pod-b", 3, T0, T0, 1), "7", SECOND);

        assertThat(slots.members(SECOND)).containsExactly("pod-b");
    }

    @Test
    void afterAnEtcdRestoreTheRenewalsOfAMemberAreTakenOnceItsLastVersionHasExpiredHere() {
        slots.observed("shop-member-0", heldBy("pod-a", 0), "7000", 0);
        slots.observed("shop-member-0", heldBy("pod-a", 1), "7", SECOND);
        slots.observed("shop-member-0", heldBy("pod-a", 3), "8", LEASE_DURATION);

        assertThat(slots.members(LEASE_DURATION + SECOND)).containsExactly("pod-a");
        slots.observed("shop-member-0", heldBy("pod-a", 4), "9", LEASE_DURATION + SECOND);
        assertThat(slots.nextExpiry(LEASE_DURATION + SECOND)).isEqualTo(2 * LEASE_DURATION + SECOND);
    }

    @Test
    void aHeldRecordWithoutADurationLastsTheObserversOwnLeaseDuration() {
        slots.observed("shop-member-0", new LeaseRecord("pod-a", 0, T0, T0, 0), "1", 0);

        assertThat(slots.members(LEASE_DURATION - 1)).containsExactly("pod-a");
        assertThat(slots.members(LEASE_DURATION)).isEmpty();
    }

    @Test
    void aMemberHoldingTwoSlotsWhileItMovesIsListedOnceByItsLowestSlot() {
        slots.observed("shop-member-2", heldBy("pod-a", 0), "1", 0);
        slots.observed("shop-member-1", heldBy("pod-b", 0), "2", 0);
        slots.observed("shop-member-0", heldBy("pod-a", 0), "3", 0);

        assertThat(slots.members(SECOND)).containsExactly("pod-a", "pod-b");
    }

    @Test
    void leasesThatAreNoSlotOfTheGroupAreIgnored() {
        slots.observed("shop", heldBy("pod-a", 0), "1", 0);
        slots.observed("shop-member-", heldBy("pod-b", 0), "2", 0);
        slots.observed("shop-member-01", heldBy("pod-c", 0), "3", 0);
        slots.observed("shop-member-x", heldBy("pod-d", 0), "4", 0);
        slots.observed("other-member-0", heldBy("pod-e", 0), "5", 0);
        slots.observed("shop-member-0-member-0", heldBy("pod-f", 0), "6", 0);

        assertThat(slots.members(0)).isEmpty();
    }
}

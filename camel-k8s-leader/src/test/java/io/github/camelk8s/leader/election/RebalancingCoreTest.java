package io.github.camelk8s.leader.election;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which of its Leases one member competes for, on virtual time: those the spread gives it while it is a member,
 * and any Lease that has had no live member as its holder for the grace (leaseDuration, 3 s here).
 */
class RebalancingCoreTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long GRACE = 3 * SECOND;
    private static final List<String> SIX = IntStream.range(0, 6).mapToObj(i -> "lease-" + i).toList();

    private final RebalancingCore core = new RebalancingCore("pod-a", GRACE);

    private void addAll(long nanos) {
        SIX.forEach(lease -> core.add(lease, nanos));
    }

    @Test
    void aPodThatIsNoMemberCompetesForNothingWhileTheGraceRuns() {
        addAll(0);
        core.members(List.of("pod-b"), 0);

        assertThat(core.competeFor(GRACE - 1)).isEmpty();
    }

    @Test
    void aMemberAloneCompetesForEveryLease() {
        addAll(0);
        core.members(List.of("pod-a"), 0);

        assertThat(core.competeFor(0)).containsExactlyElementsOf(SIX);
    }

    @Test
    void withAnotherMemberItCompetesForItsShareOnly() {
        addAll(0);
        core.members(List.of("pod-a", "pod-b"), 0);

        assertThat(core.competeFor(0)).containsExactly("lease-0", "lease-1", "lease-2");
    }

    @Test
    void aLeaseGivenToAnotherMemberThatStaysUnledForTheGraceIsCompetedForAnyway() {
        addAll(0);
        core.members(List.of("pod-a", "pod-b"), 0);

        assertThat(core.nextReview(0)).isEqualTo(GRACE);
        assertThat(core.competeFor(GRACE)).containsExactlyElementsOf(SIX);
    }

    @Test
    void theGraceRestartsWhenALiveMemberTakesTheLeaseAndLaterLosesIt() {
        addAll(0);
        core.members(List.of("pod-a", "pod-b"), 0);
        SIX.subList(3, 6).forEach(lease -> core.holder(lease, "pod-b", SECOND));
        core.holder("lease-5", "", 2 * SECOND);

        assertThat(core.competeFor(GRACE + SECOND)).doesNotContain("lease-5");
        assertThat(core.competeFor(GRACE + 2 * SECOND)).contains("lease-5");
    }

    @Test
    void aMemberThatCrashedStartsTheGraceOfItsLeasesOnlyWhenItDropsOut() {
        addAll(0);
        core.members(List.of("pod-a", "pod-b"), 0);
        SIX.subList(3, 6).forEach(lease -> core.holder(lease, "pod-b", 0));
        SIX.subList(0, 3).forEach(lease -> core.holder(lease, "pod-a", 0));

        core.members(List.of("pod-a"), 10 * SECOND);

        assertThat(core.competeFor(10 * SECOND)).containsExactlyElementsOf(SIX);
        assertThat(core.nextReview(10 * SECOND)).isEqualTo(13 * SECOND);
    }

    @Test
    void aRenewalChangesNoHolderAndSoNoDecision() {
        addAll(0);
        core.holder("lease-0", "pod-b", 0);

        assertThat(core.holder("lease-0", "pod-b", SECOND)).isFalse();
        assertThat(core.holder("lease-0", "", SECOND)).isTrue();
        assertThat(core.holder("not-in-the-spread", "pod-b", SECOND)).isFalse();
    }
}

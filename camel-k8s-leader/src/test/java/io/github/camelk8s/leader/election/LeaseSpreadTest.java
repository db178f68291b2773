package io.github.camelk8s.leader.election;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The even spread that moves the fewest Leases: shares of floor or ceil of L / M, each member keeping what it leads
 * up to its share, the rest handed out by name to the members under their share, by identity.
 */
class LeaseSpreadTest {

    private static final List<String> TWELVE = IntStream.range(0, 12).mapToObj(i -> String.format("lease-%02d", i))
            .toList();

    private static Map<String, Long> perMember(Map<String, String> targets) {
        return targets.values().stream().collect(Collectors.groupingBy(m -> m, Collectors.counting()));
    }

    private static Map<String, String> allHeldBy(String holder) {
        Map<String, String> holders = new HashMap<>();
        TWELVE.forEach(lease -> holders.put(lease, holder));
        return holders;
    }

    @Test
    void twelveFreeLeasesOverThreeMembersAreFourEachGivenByNameInIdentityOrder() {
        Map<String, String> targets = LeaseSpread.targets(List.of("pod-c", "pod-a", "pod-b"), TWELVE, Map.of());

        assertThat(perMember(targets)).containsOnly(Map.entry("pod-a", 4L), Map.entry("pod-b", 4L),
                Map.entry("pod-c", 4L));
        assertThat(targets.get("lease-00")).isEqualTo("pod-a");
        assertThat(targets.get("lease-11")).isEqualTo("pod-c");
    }

    @Test
    void aMemberLeadingEverythingKeepsItsShareByNameAndHandsTheRestToTheNewcomer() {
        Map<String, String> targets = LeaseSpread.targets(List.of("pod-a", "pod-b"), TWELVE, allHeldBy("pod-a"));

        assertThat(TWELVE.subList(0, 6)).allSatisfy(lease -> assertThat(targets.get(lease)).isEqualTo("pod-a"));
        assertThat(TWELVE.subList(6, 12)).allSatisfy(lease -> assertThat(targets.get(lease)).isEqualTo("pod-b"));
    }

    @Test
    void theLargerSharesGoToTheMembersLeadingMoreThanTheSmallerShare() {
        Map<String, String> holders = new HashMap<>();
        TWELVE.subList(0, 5).forEach(lease -> holders.put(lease, "pod-z"));
        List<String> leases = new ArrayList<>(TWELVE);
        leases.add("lease-12");

        // 13 over 4: one share of 4, three of 3; pod-z leads 5, more than 3, so it keeps 4 even though it sorts last
        Map<String, String> targets = LeaseSpread.targets(List.of("pod-a", "pod-b", "pod-c", "pod-z"), leases,
                holders);

        assertThat(perMember(targets)).containsOnly(Map.entry("pod-a", 3L), Map.entry("pod-b", 3L),
                Map.entry("pod-c", 3L), Map.entry("pod-z", 4L));
    }

    @Test
    void theLeasesOfAHolderThatIsNoLiveMemberAreHandedOut() {
        Map<String, String> holders = allHeldBy("pod-a");
        TWELVE.subList(0, 4).forEach(lease -> holders.put(lease, "crashed-pod"));

        Map<String, String> targets = LeaseSpread.targets(List.of("pod-a", "pod-b"), TWELVE, holders);

        assertThat(perMember(targets)).containsOnly(Map.entry("pod-a", 6L), Map.entry("pod-b", 6L));
        assertThat(TWELVE.subList(0, 4)).allSatisfy(lease -> assertThat(targets.get(lease)).isEqualTo("pod-b"));
    }

    @Test
    void withoutMembersNoLeaseIsGiven() {
        assertThat(LeaseSpread.targets(List.of(), TWELVE, Map.of())).isEmpty();
    }

    @Test
    void aLeaseHandedOverStaysWithTheSameMemberWhileTheMembersTakeTheirs() {
        List<String> members = List.of("pod-a", "pod-b", "pod-c", "pod-d");
        Map<String, String> holders = new HashMap<>();
        TWELVE.subList(0, 6).forEach(lease -> holders.put(lease, "pod-a"));
        TWELVE.subList(6, 12).forEach(lease -> holders.put(lease, "pod-b"));
        Map<String, String> first = LeaseSpread.targets(members, TWELVE, holders);

        // the moves happen one at a time, in any order: release by the old holder, then take by the new one
        List<String> moving = new ArrayList<>(TWELVE.stream().filter(l -> !first.get(l).equals(holders.get(l)))
                .toList());
        Collections.shuffle(moving, new Random(7));
        for (String lease : moving) {
            holders.put(lease, "");
            assertThat(LeaseSpread.targets(members, TWELVE, holders)).as("after %s was released", lease)
                    .isEqualTo(first);
            holders.put(lease, first.get(lease));
            assertThat(LeaseSpread.targets(members, TWELVE, holders)).as("after %s was taken", lease)
                    .isEqualTo(first);
        }
        assertThat(moving).hasSize(6);
    }

    /** Any members, Leases and holders: every member gets floor or ceil of L / M and keeps what it can. */
    @Test
    void everyMemberGetsBetweenFloorAndCeilAndKeepsWhatItLeadsUpToItsShare() {
        Random random = new Random(12);
        for (int run = 0; run < 2_000; run++) {
            int memberCount = 1 + random.nextInt(6);
            List<String> members = IntStream.range(0, memberCount).mapToObj(i -> "pod-" + i).toList();
            List<String> leases = IntStream.range(0, random.nextInt(30)).mapToObj(i -> "lease-" + i).toList();
            Map<String, String> holders = new HashMap<>();
            for (String lease : leases) {
                int who = random.nextInt(memberCount + 2);
                holders.put(lease, who < memberCount ? members.get(who) : who == memberCount ? "" : "outsider");
            }

            Map<String, String> targets = LeaseSpread.targets(members, leases, holders);

            int floor = leases.size() / memberCount;
            int ceil = (leases.size() + memberCount - 1) / memberCount;
            Map<String, Long> counts = perMember(targets);
            assertThat(targets.keySet()).as("run %d", run).containsExactlyInAnyOrderElementsOf(leases);
            for (String member : members) {
                long got = counts.getOrDefault(member, 0L);
                long led = leases.stream().filter(l -> member.equals(holders.get(l))).count();
                long kept = leases.stream().filter(l -> member.equals(holders.get(l))
                                                      && member.equals(targets.get(l))).count();
                assertThat(got).as("run %d: %s's share", run, member).isBetween((long) floor, (long) ceil);
                assertThat(kept).as("run %d: what %s keeps of the %d it leads", run, member, led)
                        .isEqualTo(Math.min(led, got));
            }
        }
    }
}

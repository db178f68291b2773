package io.github.camelk8s.leader.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.github.camelk8s.leader.election.GroupMembership;
import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.Pods;
import io.github.camelk8s.leader.testsupport.CountingDispatcher;
import io.github.camelk8s.leader.testsupport.FaultDispatcher;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.cluster.CamelClusterView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The members of a group, from its member slot Leases alone: every started {@link K8sLeaderClusterService} of the
 * group knows the live ones, a graceful stop leaves at once (the slot is released), a crash drops out once the slot
 * has not been renewed for leaseDuration (3 s here), and slots are reused, so restarts leave no more slot Leases
 * than members. Every pod's cluster service is in the default group, camel-k8s-leader, unless a test says otherwise.
 */
class GroupMembershipTest {

    private static final String SLOT_PREFIX = K8sLeaderClusterService.DEFAULT_GROUP + "-member-";

    @RegisterExtension
    final Pods pods = new Pods();

    private CamelPod memberPod(String name) {
        return memberPod(name, new K8sLeaderClusterService());
    }

    private CamelPod memberPod(String name, K8sLeaderClusterService service) {
        CamelPod pod = pods.create(name).withoutStandardRoutes();
        try {
            pod.context().addService(service);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return pod;
    }

    /** Starts the pods one after the other, each once the one before holds a slot: they hold slots 0, 1, 2, ... */
    private List<CamelPod> startMembers(String... names) {
        List<CamelPod> started = new ArrayList<>();
        for (String name : names) {
            CamelPod pod = memberPod(name).start();
            await(name + " holds a slot").atMost(Pods.PATIENCE).until(() -> membership(pod).slot() >= 0);
            started.add(pod);
        }
        return started;
    }

    private static GroupMembership membership(CamelPod pod) {
        return pod.context().hasService(K8sLeaderClusterService.class).getMembership();
    }

    private static Set<String> membersSeenBy(CamelPod pod) {
        return Set.copyOf(membership(pod).members());
    }

    private static void awaitMembers(List<CamelPod> observers, String... expected) {
        for (CamelPod observer : observers) {
            await(observer.name() + " sees the members " + List.of(expected)).atMost(Pods.PATIENCE)
                    .until(() -> membersSeenBy(observer).equals(Set.of(expected)));
        }
    }

    private List<Lease> slotLeases() {
        return pods.api().admin().leases().inNamespace(pods.api().namespace()).list().getItems().stream()
                .filter(lease -> lease.getMetadata().getName().startsWith(SLOT_PREFIX)).toList();
    }

    private String holderOfSlot(int slot) {
        Lease lease = pods.api().lease(SLOT_PREFIX + slot);
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    @Test
    void threeStartedServicesSeeTheSameThreeMembersEachOnASlotOfItsOwn() {
        List<CamelPod> all = startMembers("pod-a", "pod-b", "pod-c");

        awaitMembers(all, "pod-a", "pod-b", "pod-c");
        assertThat(List.of(holderOfSlot(0), holderOfSlot(1), holderOfSlot(2)))
                .containsExactlyInAnyOrder("pod-a", "pod-b", "pod-c");
        assertThat(slotLeases()).hasSize(3);
    }

    @Test
    void aGracefulStopReleasesTheSlotAndTheOthersNoLongerListTheMember() {
        List<CamelPod> all = startMembers("pod-a", "pod-b", "pod-c");
        awaitMembers(all, "pod-a", "pod-b", "pod-c");
        int slot = membership(all.get(2)).slot();

        all.get(2).stop();

        assertThat(holderOfSlot(slot)).as("slot %d after pod-c stopped", slot).isEmpty();
        awaitMembers(all.subList(0, 2), "pod-a", "pod-b");
    }

    @Test
    void whenTheLowestSlotIsReleasedAMemberAboveMovesIntoItAndReleasesItsOwn() {
        List<CamelPod> all = startMembers("pod-a", "pod-b", "pod-c");
        awaitMembers(all, "pod-a", "pod-b", "pod-c");

        all.get(0).stop();

        await("pod-b and pod-c hold slots 0 and 1, and slot 2 is released").atMost(Pods.PATIENCE)
                .until(() -> new HashSet<>(Arrays.asList(holderOfSlot(0), holderOfSlot(1)))
                        .equals(Set.of("pod-b", "pod-c")) && "".equals(holderOfSlot(2)));
        awaitMembers(all.subList(1, 3), "pod-b", "pod-c");
        assertThat(slotLeases()).hasSize(3);
    }

    @Test
    void whenTheLowestSlotIsReleasedOnlyTheMemberOnTheHighestMovesDownWithoutARace() {
        List<CamelPod> all = startMembers("pod-a", "pod-b", "pod-c", "pod-d");
        awaitMembers(all, "pod-a", "pod-b", "pod-c", "pod-d");
        List<String> slotWrites = new CopyOnWriteArrayList<>();
        pods.faults().addAnswerListener((request, answer) -> {
            if (request.isLeaseWrite() && request.path().contains(SLOT_PREFIX)) {
                slotWrites.add(request.candidate() + " " + request.path().replaceAll(".*/", "") + " " + answer.code());
            }
        });

        all.get(0).stop();

        await("pod-d moved from slot 3 to slot 0, which it released").atMost(Pods.PATIENCE)
                .until(() -> "pod-d".equals(holderOfSlot(0)) && "".equals(holderOfSlot(3)));
        awaitMembers(all.subList(1, 4), "pod-b", "pod-c", "pod-d");
        assertThat(slotWrites).as("slot writes during the move").noneMatch(write -> write.endsWith(" 409"))
                .noneMatch(write -> write.startsWith("pod-b " + SLOT_PREFIX + "0")
                                    || write.startsWith("pod-c " + SLOT_PREFIX + "0"));
        assertThat(List.of(holderOfSlot(1), holderOfSlot(2))).containsExactly("pod-b", "pod-c");
    }

    @Test
    void aCrashedMemberDropsOutOnlyAfterItsSlotHasNotBeenRenewedForLeaseDuration() {
        List<CamelPod> all = startMembers("pod-a", "pod-b", "pod-c");
        awaitMembers(all, "pod-a", "pod-b", "pod-c");
        String slotName = SLOT_PREFIX + membership(all.get(2)).slot();
        AtomicLong lastRenewalSent = new AtomicLong();
        pods.faults().addAnswerListener((request, answer) -> {
            if (request.candidate().equals("pod-c") && request.isLeaseWrite() && request.path().endsWith(slotName)
                && answer.code() / 100 == 2) {
                lastRenewalSent.accumulateAndGet(request.sentNanos(), Math::max);
            }
        });
        await("a renewal of pod-c's slot").atMost(Pods.PATIENCE).until(() -> lastRenewalSent.get() > 0);

        // pod-c's process hangs: none of its requests is answered (or applied) any more
        pods.faults().hang(FaultDispatcher.candidate("pod-c"), -1);
        AtomicLong lastSeenListed = new AtomicLong();
        await("pod-a no longer lists pod-c").atMost(Pods.PATIENCE).pollInterval(Duration.ofMillis(10)).until(() -> {
            boolean listed = membersSeenBy(all.get(0)).contains("pod-c");
            if (listed) {
                lastSeenListed.set(System.nanoTime());
            }
            return !listed;
        });
        long droppedBy = System.nanoTime();

        assertThat(lastSeenListed.get() - lastRenewalSent.get())
                .as("pod-c was still listed after its last renewal").isPositive();
        assertThat(Duration.ofNanos(droppedBy - lastRenewalSent.get()))
                .as("from pod-c's last applied renewal until pod-a dropped it")
                .isGreaterThanOrEqualTo(CamelPod.LEASE_DURATION);
        awaitMembers(all.subList(0, 2), "pod-a", "pod-b");
    }

    @Test
    void whileItsWatchIsDownAMemberStillSeesTheRenewedSlotsByListingThem() {
        List<CamelPod> others = startMembers("pod-b", "pod-c");
        pods.faults().failWith(FaultDispatcher.candidate("pod-a").and(FaultDispatcher.Request::isWatch), 500, -1);
        CamelPod a = memberPod("pod-a").start();
        awaitMembers(List.of(a), "pod-a", "pod-b", "pod-c");

        // the slots of pod-b and pod-c change only by their renewals, which pod-a cannot watch
        await("pod-a lists pod-b and pod-c throughout twice leaseDuration")
                .during(CamelPod.LEASE_DURATION.multipliedBy(2))
                .atMost(CamelPod.LEASE_DURATION.multipliedBy(2).plus(Pods.PATIENCE))
                .until(() -> membersSeenBy(a).equals(Set.of("pod-a", "pod-b", "pod-c")));
        assertThat(others).allSatisfy(pod -> assertThat(membership(pod).slot()).isNotNegative());
    }

    @Test
    void aMemberReplacingACrashedOneTakesItsSlotOnceExpiredAndReleasesTheSlotItHeldMeanwhile() {
        List<CamelPod> all = startMembers("pod-a", "pod-b", "pod-c");
        awaitMembers(all, "pod-a", "pod-b", "pod-c");
        int crashedSlot = membership(all.get(2)).slot();
        pods.faults().hang(FaultDispatcher.candidate("pod-c"), -1);

        CamelPod replacement = memberPod("pod-d").start();

        await("pod-d holds pod-c's slot").atMost(Pods.PATIENCE)
                .until(() -> membership(replacement).slot() == crashedSlot);
        await("pod-d released the slot it held meanwhile").atMost(Pods.PATIENCE)
                .until(() -> "".equals(holderOfSlot(3)));
        assertThat(slotLeases()).as("slots 0 to 2 and the one pod-d held while pod-c's had not expired").hasSize(4);
        awaitMembers(List.of(all.get(0), replacement), "pod-a", "pod-b", "pod-d");
    }

    @Test
    void restartsOfAMemberReuseTheSlotItsGracefulStopReleased() {
        List<CamelPod> all = startMembers("pod-a", "pod-b", "pod-c-0");
        awaitMembers(all, "pod-a", "pod-b", "pod-c-0");

        CamelPod restarted = all.get(2);
        for (int restart = 1; restart <= 4; restart++) {
            restarted.stop();
            restarted = memberPod("pod-c-" + restart).start();
            awaitMembers(List.of(all.get(0), restarted), "pod-a", "pod-b", "pod-c-" + restart);
        }

        assertThat(slotLeases()).extracting(lease -> lease.getMetadata().getName())
                .containsExactlyInAnyOrder(SLOT_PREFIX + 0, SLOT_PREFIX + 1, SLOT_PREFIX + 2);
    }

    @Test
    void atRestAMemberOnlyRenewsItsSlotOncePerRenewalInterval() throws InterruptedException {
        // pod-c holds slot 2 and follows slots 0 and 1: the most candidacies of the three
        List<CamelPod> all = startMembers("pod-a", "pod-b", "pod-c");
        awaitMembers(all, "pod-a", "pod-b", "pod-c");
        CountingDispatcher.Snapshot before = pods.counts().snapshot("pod-c");
        long from = System.nanoTime();

        Thread.sleep(10 * CamelPod.RENEWAL_INTERVAL.toMillis());

        CountingDispatcher.Snapshot sent = pods.counts().snapshot("pod-c").minus(before);
        long intervals = (System.nanoTime() - from) / CamelPod.RENEWAL_INTERVAL.toNanos();
        assertThat(sent.leaseWrites()).as("renewals of its slot").isBetween(1L, intervals + 1);
        assertThat(sent.requests()).as("requests other than its renewals").isEqualTo(sent.leaseWrites());
    }

    @Test
    void twoMembersStartingAtOnceEndOnDifferentSlots() {
        CamelPod a = memberPod("pod-a");
        CamelPod b = memberPod("pod-b");

        CompletableFuture.allOf(CompletableFuture.runAsync(a::start), CompletableFuture.runAsync(b::start)).join();

        awaitMembers(List.of(a, b), "pod-a", "pod-b");
        await().atMost(Pods.PATIENCE).until(() -> membership(a).slot() >= 0 && membership(b).slot() >= 0);
        assertThat(Set.of(membership(a).slot(), membership(b).slot())).containsExactlyInAnyOrder(0, 1);
        assertThat(slotLeases()).hasSize(2);
    }

    @Test
    void aViewListsTheGroupsMembersWithTheLocalOneMarkedLocal() throws Exception {
        List<CamelPod> all = startMembers("pod-a", "pod-b", "pod-c");
        awaitMembers(all, "pod-a", "pod-b", "pod-c");

        K8sLeaderClusterView view = all.get(1).context().hasService(K8sLeaderClusterService.class)
                .getView(CamelPod.LEASE);

        assertThat(view.getMembers()).extracting(CamelClusterMember::getId)
                .containsExactlyInAnyOrder("pod-a", "pod-b", "pod-c");
        assertThat(view.getMembers()).filteredOn(CamelClusterMember::isLocal).extracting(CamelClusterMember::getId)
                .containsExactly("pod-b");
    }

    @Test
    void aViewTellsItsListenersOfMembersJoiningAndLeaving() throws Exception {
        CamelPod a = startMembers("pod-a").get(0);
        K8sLeaderClusterView view = a.context().hasService(K8sLeaderClusterService.class).getView(CamelPod.LEASE);
        List<String> events = new CopyOnWriteArrayList<>();
        view.addEventListener((CamelClusterEventListener.Membership) new CamelClusterEventListener.Membership() {
            @Override
            public void memberAdded(CamelClusterView source, CamelClusterMember member) {
                events.add("added " + member.getId());
            }

            @Override
            public void memberRemoved(CamelClusterView source, CamelClusterMember member) {
                events.add("removed " + member.getId());
            }
        });
        // Camel tells a new listener of the members known so far: pod-a itself
        assertThat(events).containsExactly("added pod-a");
        events.clear();

        CamelPod b = startMembers("pod-b").get(0);
        await("pod-b added").atMost(Pods.PATIENCE).until(() -> events.contains("added pod-b"));
        b.stop();

        await("pod-b removed").atMost(Pods.PATIENCE).until(() -> events.contains("removed pod-b"));
        assertThat(events).containsExactly("added pod-b", "removed pod-b");
    }

    @Test
    void membersOfAnotherGroupAreNotListed() {
        List<CamelPod> shop = startMembers("pod-a", "pod-b");
        K8sLeaderClusterService otherService = new K8sLeaderClusterService();
        otherService.setGroup("billing");
        CamelPod billing = memberPod("pod-x", otherService).start();

        awaitMembers(shop, "pod-a", "pod-b");
        awaitMembers(List.of(billing), "pod-x");
        assertThat(pods.api().lease("billing-member-0").getSpec().getHolderIdentity()).isEqualTo("pod-x");
    }

    @Test
    void aGroupThatMakesNoValidLeaseNameFailsTheStartNamingTheOptionAndTheValue() {
        K8sLeaderClusterService service = new K8sLeaderClusterService();
        service.setGroup("Shop_1");
        CamelPod pod = memberPod("pod-a", service);

        assertThatThrownBy(pod::start).hasStackTraceContaining("Invalid k8s-leader option group=Shop_1: must be a "
                                                               + "DNS-1123 label");
        assertThat(slotLeases()).isEmpty();
    }
}

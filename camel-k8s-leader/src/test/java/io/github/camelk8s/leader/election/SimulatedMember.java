package io.github.camelk8s.leader.election;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One member of the group: a process that drives its rebalancing as the production driver (LeaseRebalancer) does,
 * around the decision ({@link RebalancingCore}, or a broken one) and the real elections.
 * <ul>
 * <li>Its member slot is held by a real candidacy ({@link SimulatedCandidate}: LeaseElector and ElectionCore) on
 * the slot Lease. A simplification of the production slot search ({@link GroupMembership}: the lowest slot it wins,
 * moving down as slots free): member i holds slot i and no other, so a slot never moves, and a member that returns
 * after a crash takes its own slot back once its old record has expired.</li>
 * <li>It lists the namespace's Leases when it joins, and decides only once that list is in, as an informer that
 * has synced; then it watches every Lease, feeding the slots to a {@link MemberSlots} table and the holders of the
 * group's Leases to the decision. Production has one namespace informer; here each Lease has its own watch,
 * connecting, lagging, dropping and relisting on its own, a stronger adversary: changes of two Leases may arrive in
 * either order. While a watch is down, it lists again every retryPeriod, as GroupMembership does. A list is one
 * read of every Lease, taken in at once when every read has answered.</li>
 * <li>It gives the decision the live members on every change of a slot and whenever a slot expires: the slots'
 * holders, and itself while it is a member, from its join until it leaves or dies, as GroupMembership.members()
 * does.</li>
 * <li>After every input it asks the decision what to compete for, starts a candidacy for each Lease newly in the
 * set and stops the candidacy (releasing the Lease if it leads it) of each Lease no longer in it, and arms one
 * timer at the decision's next review or the next expiry of a slot, whichever is first.</li>
 * <li>When one of its candidacies is elected, it tells the decision at once that it holds that Lease, and keeps
 * telling it so, whatever older versions the watch still brings, until the watch shows the Lease held by this
 * member (it has caught up) or the candidacy is told LOST. A driver that learns its own takes only from the watch
 * moves more Leases than it needs to: meanwhile its decision sees the Lease free, and a release seen then of a
 * Lease earlier by name hands the Lease it just took to another member, which it then releases. And one that
 * lets the watch's older versions overwrite its take releases it for another member's take that the API server
 * had already overwritten.</li>
 * <li>A Lease it holds, as observed, while the candidacy it withdrew is still stopping, it tells the decision is
 * free: that candidacy is releasing it, maybe having just completed a take that was in flight when it was
 * withdrawn. Counted as its own meanwhile, the Lease would put it over its share and, kept by name, push out a
 * Lease it has led all along. Once the candidacy has stopped it tells the truth again: a release that failed
 * leaves the Lease to this member, which competes for it again.</li>
 * </ul>
 * Leaving gracefully, it stops being a member at once, in its own view too: it stops its slot's candidacy, which
 * releases the slot, and every other, which releases what it leads. A crash ends everything at once without a
 * release: the slot and the Leases expire. A pause holds the member and all its candidacies.
 */
final class SimulatedMember extends SimulatedProcess {

    final Schedule.PodSpec spec;
    private final RebalancingSimulation simulation;
    /** Takes part in the group's Leases (an absentee takes part in none, and only holds its slot). */
    private final boolean takesPart;
    private final long leaseDuration;
    final SimulatedCandidate slot;
    /** Its candidacy for each of the group's Leases, by name. */
    final Map<String, SimulatedCandidate> candidacies = new TreeMap<>();

    // one membership, from a join until the member leaves or dies
    /** A member in its own view. */
    private boolean member;
    /** Bumped by every join, leave and crash: what a membership before scheduled or asked for is ignored. */
    private int generation;
    private Rebalancing decision;
    private MemberSlots slots;
    private final Map<String, SimulatedWatch> watches = new LinkedHashMap<>();
    /** The Leases whose candidacy it asked to compete, and not since to withdraw. */
    private final Set<String> competing = new TreeSet<>();
    /** The Leases its candidacies were elected on that its watch has not yet shown it holding. */
    private final Set<String> taken = new HashSet<>();
    /** The last version of each of the group's Leases it watched or listed (null: absent). */
    private final Map<String, LeaseSnapshot> watched = new HashMap<>();
    /** Whether a list of the namespace has been taken in: the member decides only from then on. */
    private boolean synced;
    private boolean listing;
    private VirtualTime.Event review;
    private long reviewAt = Long.MAX_VALUE;
    private List<String> lastMembers = List.of();

    SimulatedMember(int index, Schedule.PodSpec spec, RebalancingSimulation simulation, SplittableRandom random,
                    boolean takesPart) {
        super(index, spec.config().identity(),
                new SimulatedClock(simulation.time, spec.monotonicOffset(), spec.driftPpm(), spec.wallAtZero()),
                simulation.time, random);
        this.spec = spec;
        this.simulation = simulation;
        this.takesPart = takesPart;
        this.leaseDuration = spec.config().leaseDuration().toNanos();
        String slotName = RebalancingSchedule.slot(index);
        this.slot = new SimulatedCandidate(index, on(slotName), simulation.election(slotName), clock, random,
                new SimulatedCandidate.Host() {
                }, false);
        for (String lease : simulation.schedule.leaseNames()) {
            candidacies.put(lease, new SimulatedCandidate(index, on(lease), simulation.election(lease), clock, random,
                    new SimulatedCandidate.Host() {
                        @Override
                        public void elected(LeaseRecord record) {
                            simulation.leadershipChanged(lease, SimulatedMember.this, true);
                            int of = generation;
                            at(time.now(), () -> tookLease(of, lease));
                        }

                        @Override
                        public void lost(LeaseRecord lastKnown) {
                            simulation.leadershipChanged(lease, SimulatedMember.this, false);
                            int of = generation;
                            at(time.now(), () -> lostLease(of, lease, lastKnown));
                        }

                        @Override
                        public void stopped() {
                            int of = generation;
                            at(time.now(), () -> {
                                if (of == generation && member) {
                                    tell(lease, clock.nanoTime());
                                    decideIfSynced();
                                }
                            });
                        }
                    }, true));
        }
    }

    private Schedule.PodSpec on(String lease) {
        return new Schedule.PodSpec(spec.config().toBuilder().leaseName(lease).build(), spec.requestTimeout(),
                spec.monotonicOffset(), spec.driftPpm(), spec.wallAtZero(), spec.startAt(), spec.stepGapMax(),
                spec.stepDurationMax());
    }

    @Override
    void afterInput() {
        // its candidacies are processes of their own, with their own event threads
    }

    /** A member in its own view: joined, and neither left nor died since. */
    boolean isMember() {
        return member;
    }

    boolean takesPart() {
        return takesPart;
    }

    // ---- the membership's lifecycle ------------------------------------------------------------------------

    /** Joins the group, the first time or again: a new decision and slot table, fresh watches, its slot. */
    void join() {
        if (member) {
            return;
        }
        member = true;
        int joined = ++generation;
        long now = clock.nanoTime();
        decision = simulation.decisions.make(identity, leaseDuration);
        slots = new MemberSlots(RebalancingSchedule.GROUP, leaseDuration);
        if (takesPart) {
            candidacies.keySet().forEach(lease -> decision.add(lease, now));
        }
        simulation.trace.line(identity, "joins" + (takesPart ? "" : ", taking part in no Lease"));
        List<String> names = new ArrayList<>(candidacies.keySet());
        names.addAll(simulation.schedule.slotNames());
        for (String name : names) {
            SimulatedElection election = simulation.election(name);
            SimulatedWatch watch = new SimulatedWatch(this, election.server(), election.network(), election.trace());
            watch.addObserver(name, new LeaseObserver() {
                @Override
                public void leaseChanged(LeaseSnapshot lease) {
                    observed(joined, name, lease);
                }

                @Override
                public void leaseDeleted(boolean finalStateUnknown) {
                    observed(joined, name, null);
                }
            });
            watches.put(name, watch);
            watch.start();
        }
        slot.at(time.now(), slot::compete);
        list(joined);
        listEveryRetryPeriod(joined);
    }

    /** Leaves the group gracefully; joins again at {@code returnAt} unless it is negative. */
    void leave(long returnAt) {
        if (!member) {
            return;
        }
        simulation.trace.line(identity, "leaves");
        endMembership();
        slot.at(time.now(), slot::withdraw);
        decide();
        if (returnAt >= 0) {
            at(returnAt, this::join);
        }
    }

    /** SIGKILL: every candidacy dies with it, nothing is released. Joins again at {@code returnAt} unless negative. */
    void crash(long returnAt) {
        if (!member && slot.run == null && candidacies.values().stream().allMatch(c -> c.run == null)) {
            return;
        }
        simulation.trace.line(identity, "crashed");
        die();
        endMembership();
        competing.clear();
        slot.crash(-1);
        candidacies.values().forEach(c -> c.crash(-1));
        if (returnAt >= 0) {
            at(returnAt, this::join);
        }
    }

    private void endMembership() {
        member = false;
        generation++;
        watches.values().forEach(SimulatedWatch::close);
        watches.clear();
        taken.clear();
        watched.clear();
        synced = false;
        listing = false;
        cancelReview();
    }

    /** SIGSTOP: the member and every candidacy of it stop handling inputs. */
    void pauseAll() {
        pause();
        slot.pause();
        candidacies.values().forEach(SimulatedProcess::pause);
    }

    void resumeAll() {
        candidacies.values().forEach(SimulatedProcess::resume);
        slot.resume();
        resume();
    }

    /** A fault on its links began or ended: its watches and its candidacies' watches see it. */
    void linksChanged() {
        List.copyOf(watches.values()).forEach(SimulatedWatch::linkChanged);
        if (slot.run != null) {
            slot.run.watch.linkChanged();
        }
        candidacies.values().stream().filter(c -> c.run != null).forEach(c -> c.run.watch.linkChanged());
    }

    // ---- what it observes -------------------------------------------------------------------------------------

    /** A version of a Lease from its watch (null: deleted), during membership {@code of}. */
    private void observed(int of, String name, LeaseSnapshot lease) {
        if (of != generation) {
            return;
        }
        takeIn(name, lease, clock.nanoTime());
        if (synced) {
            membersChanged();
        }
    }

    /** One of its candidacies was elected on {@code lease}, during membership {@code of}. */
    private void tookLease(int of, String lease) {
        if (of == generation && member) {
            taken.add(lease);
            decision.holder(lease, identity, clock.nanoTime());
            decideIfSynced();
        }
    }

    /**
     * One of its candidacies was told LOST on {@code lease}: if its take is still held for the watch to catch up,
     * the candidacy's last known record stands in for it (the watch may have dropped and relisted past it).
     */
    private void lostLease(int of, String lease, LeaseRecord lastKnown) {
        if (of == generation && member && taken.remove(lease)) {
            decision.holder(lease, lastKnown == null ? "" : lastKnown.holderIdentity(), clock.nanoTime());
            decideIfSynced();
        }
    }

    private void takeIn(String name, LeaseSnapshot lease, long now) {
        if (slots.slotOf(name) >= 0) {
            if (lease == null) {
                slots.deleted(name);
            } else {
                slots.observed(name, lease.record(), lease.resourceVersion(), now);
            }
        } else {
            watched.put(name, lease);
            tell(name, now);
        }
    }

    /** Tells the decision who holds one of the group's Leases, from what it watched: see the class comment. */
    private void tell(String name, long now) {
        LeaseSnapshot lease = watched.get(name);
        SimulatedCandidate candidacy = candidacies.get(name);
        if (lease != null && lease.record().isHeldBy(identity)) {
            taken.remove(name);
            boolean releasing = !competing.contains(name) && candidacy.run != null && !candidacy.run.stopped;
            decision.holder(name, releasing ? "" : identity, now);
        } else if (taken.contains(name) || !watched.containsKey(name)) {
            // older than its own take, until the watch has caught up with it
            return;
        } else if (lease == null) {
            decision.deleted(name, now);
        } else {
            decision.holder(name, lease.record().holderIdentity(), now);
        }
    }

    private void decideIfSynced() {
        if (synced) {
            decide();
        }
    }

    /** Gives the decision the live members: itself while a member, then the holders of the slots valid now. */
    private void membersChanged() {
        long now = clock.nanoTime();
        List<String> live = new ArrayList<>();
        if (member) {
            live.add(identity);
        }
        for (String other : slots.members(now)) {
            if (!live.contains(other)) {
                live.add(other);
            }
        }
        if (!live.equals(lastMembers)) {
            lastMembers = live;
            simulation.trace.line(identity, "members " + live);
        }
        decision.members(live, now);
        decide();
    }

    /** Every retryPeriod, lists the namespace again if a watch is down (or the first list failed). */
    private void listEveryRetryPeriod(int of) {
        at(time.now() + clock.virtualDelay(spec.config().retryPeriod().toNanos()), () -> {
            if (of != generation) {
                return;
            }
            if (!synced || watches.values().stream().anyMatch(watch -> !watch.isWatching())) {
                list(of);
            }
            listEveryRetryPeriod(of);
        });
    }

    /** Reads every Lease; takes them in together once all have answered, or none if one read failed. */
    private void list(int of) {
        if (listing) {
            return;
        }
        listing = true;
        Map<String, LeaseSnapshot> found = new LinkedHashMap<>();
        Set<String> pending = new HashSet<>(watches.keySet());
        boolean[] failed = { false };
        for (String name : watches.keySet()) {
            SimulatedRequest request = new SimulatedRequest(this, SimulatedRequest.Verb.GET, null, null);
            simulation.election(name).network().send(request, spec.requestTimeout(), answer -> {
                if (of != generation) {
                    return;
                }
                failed[0] |= answer.kind() != ApiAnswer.Kind.OK;
                found.put(name, answer.lease());
                pending.remove(name);
                if (pending.isEmpty()) {
                    listing = false;
                    if (!failed[0]) {
                        long now = clock.nanoTime();
                        found.forEach((lease, snapshot) -> takeIn(lease, snapshot, now));
                        synced = true;
                        membersChanged();
                    }
                }
            });
        }
    }

    // ---- what it decides --------------------------------------------------------------------------------------

    /** Starts and stops candidacies as the decision now says, and asks again at its next review. */
    private void decide() {
        long now = clock.nanoTime();
        Set<String> wanted = member && synced ? decision.competeFor(now) : Set.of();
        candidacies.forEach((lease, candidacy) -> {
            if (wanted.contains(lease) && competing.add(lease)) {
                simulation.trace.line(identity, "competes for " + lease);
                candidacy.at(time.now(), candidacy::compete);
            } else if (!wanted.contains(lease) && competing.remove(lease)) {
                simulation.trace.line(identity, "withdraws from " + lease);
                candidacy.at(time.now(), candidacy::withdraw);
            }
        });
        if (member && synced) {
            reviewAt(Math.min(decision.nextReview(now), slots.nextExpiry(now)));
        }
    }

    /** One timer, at local time {@code next}: the next end of a grace or expiry of a slot. */
    private void reviewAt(long next) {
        if (next == reviewAt && review != null) {
            return;
        }
        cancelReview();
        if (next == Long.MAX_VALUE) {
            return;
        }
        int of = generation;
        reviewAt = next;
        review = at(clock.virtualTimeOf(next), () -> {
            if (of == generation) {
                review = null;
                reviewAt = Long.MAX_VALUE;
                membersChanged();
            }
        });
    }

    private void cancelReview() {
        if (review != null) {
            review.cancel();
            review = null;
        }
        reviewAt = Long.MAX_VALUE;
    }
}

package io.github.camelk8s.leader.election;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * This candidate's membership of a group: while started, it holds one member slot, the Lease
 * {@code <group>-member-<n>}, and knows the group's live members, the holders of the slots that are validly held
 * ({@link MemberSlots}). Created by {@link LeaseElectorFactory#createMembership}; only the verbs an election needs
 * (get, list, watch, create, update on Leases).
 * <p>
 * <b>Slots.</b> A slot is held like any Lease, by a {@link LeaseElector}: renewed every renewalInterval (the one
 * write a member adds at rest), released on a graceful stop, so that the member leaves every view at once, and left
 * to expire when the member dies, so that it drops out once its record has stayed unchanged for leaseDuration. The
 * member is a candidate for every slot from 0 up to the one it holds, and holds the lowest it wins:
 * <ul>
 * <li>it starts as a candidate for slot 0, and becomes a candidate for the next slot whenever each slot it is a
 * candidate for is held by another member (a race it lost, or a live holder);</li>
 * <li>once it wins a slot, it stops being a candidate for every slot above, which releases the one it held
 * before: it moves down. Below, it stays a follower, which costs no request at rest (the watch brings every
 * change);</li>
 * <li>only the member holding the group's highest slot competes for the slots below its own (the others observe
 * them, withdrawn): it takes a slot below as soon as that slot is released or has expired, and frees the top
 * slot. So one member moves into a hole, with one write and one release, where every member above racing for it,
 * and then for the slot each winner left, cost about M²/2 writes when one of M members left, all of them during
 * the Lease moves of that leave. A member without a slot competes for all it is a candidate for.</li>
 * </ul>
 * So at rest the M live members hold slots 0 to M-1, a restarted member takes the slot a graceful stop released,
 * and the slot of a member that crashed is taken over once it expired. A slot Lease is created only when every lower
 * one is seen held, and a Lease is never deleted (no delete permission), so the slot Leases number at most the
 * largest number of members ever seen in the group at once, where a crashed member counts until it drops out (a
 * member that starts cannot tell a crashed holder from a live one for leaseDuration, and meanwhile takes a slot of
 * its own).
 * <p>
 * The moves are safe by the election's own rules: one holder per slot, and a member that holds two slots for a
 * moment is listed once.
 * <p>
 * The slots are seen through the namespace's Lease watch; while it is down, they are listed every retryPeriod
 * instead (one LIST per member), as an elector then polls its Lease.
 * <p>
 * <b>Changes.</b> {@link MembershipListener}s are told the members whenever the set changes: a slot seen taken,
 * released or deleted, this member joining or leaving, and a slot expiring, for which a timer is armed at the next
 * expiry ({@link MemberSlots#nextExpiry}), since an expiry is the absence of an event.
 */
public final class GroupMembership {

    private static final Logger LOG = LoggerFactory.getLogger(GroupMembership.class);

    /** The group as written into a Lease name: a DNS-1123 label, as a Lease name's first part must be. */
    private static final Pattern GROUP = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    /** Room for the slot suffix: {@code -member-} and up to nine digits, within the 253 characters of a name. */
    private static final int MAX_GROUP_LENGTH = 253 - "-member-".length() - 9;

    private final String group;
    private final LeaderElectionConfig timings;
    private final LeaseElectorFactory factory;
    private final NamespaceLeaseWatch watch;
    private final ElectionClock clock;
    private final Runnable onStop;
    private final NamespaceObserver slotObserver = new SlotObserver();
    private final long retryPeriodNanos;
    private final List<MembershipListener> listeners = new CopyOnWriteArrayList<>();
    /** Tells the listeners in the order the changes were seen, off the watch's and the timing thread. */
    private final Executor changes;

    // guarded by this
    private final MemberSlots slots;
    /** The candidacies for slots 0 to n, by slot. */
    private final List<LeaseElector> candidacies = new ArrayList<>();
    /** The slot held, or -1. */
    private int held = -1;
    /** Whether the candidacies below the slot held are withdrawn: another member holds a slot above it. */
    private boolean belowWithdrawn;
    private boolean running;
    private boolean stopped;
    /** Whether a list of the namespace's Leases is in flight. */
    private boolean listing;
    private ElectionScheduler.Scheduled listTimer;
    /** The members as last told to the listeners. */
    private Set<String> told = Set.of();
    /** Due at the next expiry of a valid slot. */
    private final DueTask expiry;

    GroupMembership(String group, LeaderElectionConfig timings, LeaseElectorFactory factory, NamespaceLeaseWatch watch,
                    ElectionClock clock, Executor events, Runnable onStop) {
        requireValidGroup(group);
        this.group = group;
        this.timings = timings;
        this.factory = factory;
        this.watch = watch;
        this.clock = clock;
        this.onStop = onStop;
        this.slots = new MemberSlots(group, timings.leaseDuration().toNanos());
        this.retryPeriodNanos = timings.retryPeriod().toNanos();
        this.changes = new SerialExecutor(events);
        this.expiry = new DueTask(factory::schedule, this::expired);
    }

    /**
     * Fails, naming the option {@code group} and its value as written, when the group cannot be part of a Lease name.
     */
    public static void requireValidGroup(String group) {
        if (group == null || group.isEmpty()) {
            throw LeaderElectionConfig.invalidOption("group", group, "must not be empty");
        }
        if (group.length() > MAX_GROUP_LENGTH || !GROUP.matcher(group).matches()) {
            throw LeaderElectionConfig.invalidOption("group", group,
                    "must be a DNS-1123 label (lower case letters, digits and '-', starting and ending with a letter "
                                                                     + "or digit) of at most " + MAX_GROUP_LENGTH
                                                                     + " characters: it names the Leases "
                                                                     + slotName(group, 0) + ", "
                                                                     + slotName(group, 1) + ", ...");
        }
    }

    /** The name of the group's member slot {@code slot}. */
    public static String slotName(String group, int slot) {
        return MemberSlots.slotName(group, slot);
    }

    public String group() {
        return group;
    }

    /** This member's identity: the holderIdentity of its slot. */
    public String identity() {
        return timings.identity();
    }

    public String namespace() {
        return timings.namespace();
    }

    /** Joins the group: observes its slots and competes for slot 0 and, as needed, the next ones. */
    public void start() {
        synchronized (this) {
            if (running || stopped) {
                throw new IllegalStateException(this + " was already started");
            }
            running = true;
        }
        watch.observeAll(slotObserver);
        synchronized (this) {
            if (running) {
                compete(0);
                armListing();
                membersMayHaveChanged();
            }
        }
        LOG.debug("{} joined group {}", identity(), group);
    }

    /**
     * Leaves the group: stops every candidacy, which releases the slot held, so the member leaves the other members'
     * views as soon as they see the release. Waits for the release, as {@link LeaseElector#stop()} does.
     */
    public void stop() {
        List<LeaseElector> toStop;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            running = false;
            held = -1;
            toStop = new ArrayList<>(candidacies);
            candidacies.clear();
            if (listTimer != null) {
                listTimer.cancel();
            }
            membersMayHaveChanged();
        }
        toStop.forEach(LeaseElector::stop);
        watch.removeNamespaceObserver(slotObserver);
        onStop.run();
        LOG.debug("{} left group {}", identity(), group);
    }

    /**
     * The group's live members, this one first while it is started (it knows itself a member before the others
     * see its slot), then the others by the lowest slot each holds.
     */
    public List<String> members() {
        long now = clock.nanoTime();
        List<String> members = new ArrayList<>();
        synchronized (this) {
            if (running) {
                members.add(identity());
            }
            for (String member : slots.members(now)) {
                if (!members.contains(member)) {
                    members.add(member);
                }
            }
        }
        return members;
    }

    /**
     * Tells {@code listener} of every change of the members from now on, on a thread of the factory's, in order; it
     * must not block.
     */
    public void addListener(MembershipListener listener) {
        listeners.add(listener);
    }

    public void removeListener(MembershipListener listener) {
        listeners.remove(listener);
    }

    /** The slot this member holds now, or -1 while it holds none (starting, moving, or cut off). */
    public synchronized int slot() {
        return held;
    }

    /** Whether the holder of {@code slot} is a live member, as this member observes the slot now. */
    synchronized boolean isValidlyHeld(int slot) {
        return slots.isValidlyHeld(slot, clock.nanoTime());
    }

    // ---- the changes, under this object's lock ----------------------------------------------------------------

    /**
     * Tells the listeners if the members are no longer those last told, and re-arms the expiry timer: called after
     * every input that can change them.
     */
    private void membersMayHaveChanged() {
        long now = clock.nanoTime();
        List<String> members = members();
        if (!Set.copyOf(members).equals(told)) {
            told = Set.copyOf(members);
            changes.execute(() -> listeners.forEach(listener -> listener.membersChanged(members)));
        }
        expiry.dueAt(running ? slots.nextExpiry(now) : Long.MAX_VALUE, now);
        competeBelowOnlyFromTheTop(now);
    }

    /**
     * Withdraws the candidacies below the slot held while another member holds a slot above it, and resumes them
     * once none does (or once this member holds no slot). Called after every change of the slots, of the slot held
     * and on every expiry; a member that wrongly believes itself at the top (a slot above taken a moment ago) only
     * races the true top once, and the election decides.
     */
    private void competeBelowOnlyFromTheTop(long now) {
        if (!running) {
            return;
        }
        boolean withdraw = held >= 0 && slots.heldAboveByAnother(held, identity(), now);
        if (withdraw == belowWithdrawn) {
            return;
        }
        belowWithdrawn = withdraw;
        int below = held >= 0 ? Math.min(held, candidacies.size()) : candidacies.size();
        for (int slot = 0; slot < below; slot++) {
            if (withdraw) {
                candidacies.get(slot).withdraw();
            } else {
                candidacies.get(slot).resume();
            }
        }
    }

    private synchronized void expired() {
        expiry.ran();
        membersMayHaveChanged();
    }

    // ---- the candidacies, under this object's lock ----------------------------------------------------------

    /** Becomes a candidate for {@code slot}, the next above the ones it is a candidate for. */
    private void compete(int slot) {
        LeaderElectionConfig config = timings.toBuilder()
                .leaseName(slotName(group, slot))
                .releaseOnStop(true)
                // a slot changing hands is membership, not leadership: this class reports what matters
                .loggingLevel(Level.DEBUG)
                .build();
        LeaseElector candidacy = factory.create(config);
        candidacies.add(candidacy);
        candidacy.addListener(new SlotListener(slot, candidacy));
        candidacy.start();
    }

    /** Holds the lowest slot won: every candidacy above it stops, and so releases the slot held before. */
    private void won(int slot) {
        if (held >= 0 && held <= slot) {
            return;
        }
        int before = held;
        held = slot;
        while (candidacies.size() > slot + 1) {
            candidacies.remove(candidacies.size() - 1).requestStop();
        }
        competeBelowOnlyFromTheTop(clock.nanoTime());
        if (before < 0) {
            LOG.info("{} is a member of group {} in namespace {} (slot {})", identity(), group, namespace(), slot);
        } else {
            LOG.debug("{} moved from slot {} to slot {} of group {}", identity(), before, slot, group);
        }
    }

    /** Without a slot, and each slot it is a candidate for held by another: becomes a candidate for the next. */
    private void reconsider() {
        if (!running || held >= 0) {
            return;
        }
        for (LeaseElector candidacy : candidacies) {
            String holder = candidacy.holderIdentity();
            if (holder.isEmpty() || holder.equals(identity()) || candidacy.state() != LeaseElector.State.FOLLOWER) {
                // free (being taken), ours (being renewed or expiring), or not yet read: it may still be won
                return;
            }
        }
        compete(candidacies.size());
    }

    // ---- the fallback while the watch is down ----------------------------------------------------------------

    /**
     * Every retryPeriod, lists the slots if the watch is down, as an elector reads its Lease then: without it, the
     * slots of live members would look unchanged and their holders drop out after leaseDuration.
     */
    private void armListing() {
        try {
            listTimer = factory.schedule(this::listIfUnwatched, retryPeriodNanos);
        } catch (RejectedExecutionException e) {
            // the factory is closed, and stops this membership
        }
    }

    /** On the timing thread: hands the list to an API thread, never waits for it. */
    private void listIfUnwatched() {
        // asked outside this object's lock: the watch tells its observers, and so takes ours, under a lock of its own
        boolean watching = watch.isWatching();
        synchronized (this) {
            if (!running) {
                return;
            }
            armListing();
            if (watching || listing) {
                return;
            }
            listing = true;
        }
        CompletableFuture<List<Lease>> answer;
        try {
            answer = factory.listLeases(namespace());
        } catch (RuntimeException e) {
            // the factory is closing: its API threads refuse work
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete(this::listed);
    }

    /**
     * A list is what the slots are now. A failed one changes nothing: the slots age as they would for a follower
     * that cannot read its Lease, and their holders drop out after leaseDuration unless a later list or the watch
     * shows them renewed.
     */
    private synchronized void listed(List<Lease> leases, Throwable error) {
        listing = false;
        if (!running) {
            return;
        }
        if (error != null) {
            LOG.debug("Cannot list the slots of group {} in namespace {}: {}", group, namespace(), error.toString());
            return;
        }
        long now = clock.nanoTime();
        Set<String> names = new HashSet<>();
        for (Lease lease : leases) {
            String name = lease.getMetadata().getName();
            names.add(name);
            slots.observed(name, LeaseRecord.of(lease), lease.getMetadata().getResourceVersion(), now);
        }
        slots.keepOnly(names);
        membersMayHaveChanged();
    }

    private final class SlotListener implements LeadershipListener {
        private final int slot;
        private final LeaseElector candidacy;

        SlotListener(int slot, LeaseElector candidacy) {
            this.slot = slot;
            this.candidacy = candidacy;
        }

        /** Whether this candidacy is still one of the membership's (a stopped one may still report). */
        private boolean current() {
            return slot < candidacies.size() && candidacies.get(slot) == candidacy;
        }

        @Override
        public void elected(LeaseRecord record) {
            synchronized (GroupMembership.this) {
                if (running && current()) {
                    won(slot);
                }
            }
        }

        @Override
        public void lost(LeaseRecord lastKnown) {
            synchronized (GroupMembership.this) {
                if (running && current() && held == slot) {
                    // cut off (renewDeadline passed) or taken over: compete as any member without a slot
                    held = -1;
                    LOG.info("{} no longer holds slot {} of group {}", identity(), slot, group);
                    competeBelowOnlyFromTheTop(clock.nanoTime());
                    reconsider();
                }
            }
        }

        @Override
        public void newLeader(LeaseRecord record) {
            synchronized (GroupMembership.this) {
                if (current()) {
                    reconsider();
                }
            }
        }
    }

    /** Feeds every version of the group's slot Leases to the table, with the local time it was seen. */
    private final class SlotObserver implements NamespaceObserver {
        @Override
        public void leaseChanged(String leaseName, LeaseSnapshot lease) {
            if (slots.slotOf(leaseName) < 0) {
                // the namespace's other Leases: one event per renewal each, none of them a member's
                return;
            }
            synchronized (GroupMembership.this) {
                slots.observed(leaseName, lease.record(), lease.resourceVersion(), clock.nanoTime());
                membersMayHaveChanged();
            }
        }

        @Override
        public void leaseDeleted(String leaseName) {
            if (slots.slotOf(leaseName) < 0) {
                return;
            }
            synchronized (GroupMembership.this) {
                slots.deleted(leaseName);
                membersMayHaveChanged();
            }
        }
    }

    @Override
    public String toString() {
        return "GroupMembership[" + identity() + " in " + namespace() + "/" + group + "]";
    }
}

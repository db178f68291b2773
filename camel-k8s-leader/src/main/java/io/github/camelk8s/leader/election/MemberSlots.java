package io.github.camelk8s.leader.election;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The member slots of one group as this member has observed them, and who holds them validly: the group's live
 * members. Like {@link ElectionCore}, it is pure: no threads, no I/O, no clock; every input carries its local
 * monotonic time.
 * <p>
 * A slot is the Lease {@code <group>-member-<n>}. Its holder is a live member while the record is valid by the
 * followers' rule: held, and not yet unchanged for the holder's leaseDurationSeconds, timed from when this member
 * saw the record change ({@link ElectionCore#holderDuration(LeaseRecord, long)}). So a member drops out of every
 * view exactly when a follower of its slot would take that slot over, and never because of the holder's
 * renewTime, which is compared with no local clock. A released slot (holder "", a graceful stop) or a deleted one
 * has no member at once.
 * <p>
 * Not thread-safe: the driver ({@link GroupMembership}) calls it under one lock.
 */
final class MemberSlots {

    /** What was last seen of one slot Lease, and since when its record has been unchanged. */
    private record Observed(LeaseRecord record, String resourceVersion, long unchangedSince) {
    }

    private static final String SLOT_INFIX = "-member-";
    /** The slot numbers as {@link #slotName} writes them: no sign, no leading zeros. */
    private static final Pattern SLOT_NUMBER = Pattern.compile("0|[1-9][0-9]{0,8}");

    private final String prefix;
    private final long ownLeaseDurationNanos;
    private final NavigableMap<Integer, Observed> slots = new TreeMap<>();

    MemberSlots(String group, long ownLeaseDurationNanos) {
        this.prefix = group + SLOT_INFIX;
        this.ownLeaseDurationNanos = ownLeaseDurationNanos;
    }

    /** The name of a group's slot Lease. */
    static String slotName(String group, int slot) {
        return group + SLOT_INFIX + slot;
    }

    /** The slot a Lease name stands for in this group, or -1 if it is no slot of this group. */
    int slotOf(String leaseName) {
        if (!leaseName.startsWith(prefix)) {
            return -1;
        }
        String number = leaseName.substring(prefix.length());
        return SLOT_NUMBER.matcher(number).matches() ? Integer.parseInt(number) : -1;
    }

    /**
     * Takes in a version of a Lease seen at local time {@code nanos}; other Leases are ignored. A version that parses
     * as older than the last one accepted for that slot is dropped (the watch may replay one), as the core orders
     * watch events, with two exceptions that an etcd restore needs, since after one every version carries a
     * resourceVersion far below those seen before, for good:
     * <ul>
     * <li>a later term (more leaseTransitions: the count only grows), such as a released slot taken again;</li>
     * <li>any version once the slot's holder has expired in this view: then the core, too, would write and read
     * the Lease afresh.</li>
     * </ul>
     * Without them a member would drop every other out of its view after a restore and never see them again. The
     * cost: a stale version replayed after its holder expired here keeps that holder a member for another
     * leaseDuration.
     */
    void observed(String leaseName, LeaseRecord record, String resourceVersion, long nanos) {
        int slot = slotOf(leaseName);
        if (slot < 0) {
            return;
        }
        Observed before = slots.get(slot);
        if (before != null && isOlder(resourceVersion, before.resourceVersion())
            && record.leaseTransitions() <= before.record().leaseTransitions()
            && !(before.record().isHeld() && nanos - expiresAt(before) >= 0)) {
            return;
        }
        boolean unchanged = before != null && Objects.equals(before.record(), record);
        slots.put(slot, new Observed(record, resourceVersion, unchanged ? before.unchangedSince() : nanos));
    }

    /** The Lease was deleted: an absent slot has no member, and is free. */
    void deleted(String leaseName) {
        int slot = slotOf(leaseName);
        if (slot >= 0) {
            slots.remove(slot);
        }
    }

    /** A list of the namespace's Leases named {@code listed}: a slot missing from it was deleted. */
    void keepOnly(Set<String> listed) {
        slots.keySet().removeIf(slot -> !listed.contains(prefix + slot));
    }

    /** Whether the slot's holder is a live member at local time {@code nanos}. */
    boolean isValidlyHeld(int slot, long nanos) {
        Observed observed = slots.get(slot);
        return observed != null && observed.record().isHeld() && nanos - expiresAt(observed) < 0;
    }

    /** Whether a live member other than {@code self} holds a slot above {@code slot} at local time {@code nanos}. */
    boolean heldAboveByAnother(int slot, String self, long nanos) {
        for (Map.Entry<Integer, Observed> entry : slots.tailMap(slot, false).entrySet()) {
            if (isValidlyHeld(entry.getKey(), nanos) && !entry.getValue().record().holderIdentity().equals(self)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The live members at {@code nanos}, by the lowest slot each holds; a member moving between slots holds two for
     * a moment and is listed once.
     */
    List<String> members(long nanos) {
        Set<String> members = new LinkedHashSet<>();
        slots.forEach((slot, observed) -> {
            if (isValidlyHeld(slot, nanos)) {
                members.add(observed.record().holderIdentity());
            }
        });
        return new ArrayList<>(members);
    }

    /** The local time at which the next valid slot expires if it is not renewed, or {@code Long.MAX_VALUE}. */
    long nextExpiry(long nanos) {
        long next = Long.MAX_VALUE;
        for (Map.Entry<Integer, Observed> slot : slots.entrySet()) {
            if (isValidlyHeld(slot.getKey(), nanos)) {
                next = Math.min(next, expiresAt(slot.getValue()));
            }
        }
        return next;
    }

    private long expiresAt(Observed observed) {
        return observed.unchangedSince() + ElectionCore.holderDuration(observed.record(), ownLeaseDurationNanos);
    }

    private static boolean isOlder(String version, String than) {
        if (version == null || than == null) {
            return false;
        }
        try {
            return Long.parseLong(version) < Long.parseLong(than);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}

package io.github.camelk8s.leader.election;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which member of a group should lead each of the group's Leases: the even spread that moves the fewest Leases
 * from where they are. Pure: a function of the live members, the Leases and their holders as one member observes
 * them. Every member computes it alone; members that observe the same holders and members compute the same
 * spread, so a Lease moves only to the one member that competes for it, and members that see a change at slightly
 * different times disagree only until they have all seen it (the election keeps one holder per Lease meanwhile).
 * <p>
 * With L Leases and M members, L = q·M + r (0 ≤ r &lt; M): r members lead q + 1 Leases and the others q. So no member
 * leads more than ceil(L / M) or fewer than floor(L / M).
 * <ol>
 * <li><b>Shares.</b> The r larger shares go first to the members that lead more than q now (they keep what they
 * have), then by identity. Timing the choice by what is led now, and breaking ties by identity alone, keeps a
 * member's share fixed while Leases move towards it: a member that takes a Lease of its share never takes the
 * larger share from another.</li>
 * <li><b>Keep.</b> A member keeps the Leases it leads, by name, up to its share; the rest are handed over.</li>
 * <li><b>Hand out.</b> The Leases handed over, those that no live member leads (released, or held by a pod that
 * is not a live member: a crashed member, or a pod outside the group, whose Lease is taken once it expires by the
 * election's own rule) are given, by name, to the members under their share, by identity, each up to its
 * share.</li>
 * </ol>
 * A Lease handed over stays assigned to the same member until that member takes it: the Leases it takes only lower
 * its own shortfall, which changes neither who the other members under their share are nor what they get.
 */
public final class LeaseSpread {

    private LeaseSpread() {
    }

    /**
     * The member that should lead each Lease, by Lease name in name order; empty if there are no members.
     *
     * @param members the live members (any order; duplicates are ignored)
     * @param leases  the Leases to spread
     * @param holders the holder of each Lease as observed; a missing Lease or an empty holder is a free Lease
     */
    public static Map<String, String> targets(Collection<String> members, Collection<String> leases,
                                              Map<String, String> holders) {
        TreeSet<String> byIdentity = new TreeSet<>(members);
        TreeSet<String> byName = new TreeSet<>(leases);
        Map<String, String> targets = new LinkedHashMap<>();
        if (byIdentity.isEmpty()) {
            return targets;
        }
        Map<String, List<String>> led = new HashMap<>();
        byIdentity.forEach(member -> led.put(member, new ArrayList<>()));
        for (String lease : byName) {
            String holder = holders.get(lease);
            if (holder != null && led.containsKey(holder)) {
                led.get(holder).add(lease);
            }
        }
        Map<String, Integer> shares = shares(byIdentity, byName.size(), led);

        Map<String, String> kept = new HashMap<>();
        Map<String, Integer> shortfall = new LinkedHashMap<>();
        for (String member : byIdentity) {
            List<String> leading = led.get(member);
            int share = shares.get(member);
            for (String lease : leading.subList(0, Math.min(share, leading.size()))) {
                kept.put(lease, member);
            }
            shortfall.put(member, Math.max(0, share - leading.size()));
        }
        var wanting = shortfall.entrySet().iterator();
        Map.Entry<String, Integer> next = wanting.hasNext() ? wanting.next() : null;
        for (String lease : byName) {
            String keeper = kept.get(lease);
            if (keeper != null) {
                targets.put(lease, keeper);
                continue;
            }
            while (next != null && next.getValue() == 0) {
                next = wanting.hasNext() ? wanting.next() : null;
            }
            if (next == null) {
                // cannot happen while the shares add up to the number of Leases; kept for the invariant's sake
                throw new IllegalStateException("No member under its share for Lease " + lease);
            }
            targets.put(lease, next.getKey());
            next.setValue(next.getValue() - 1);
        }
        return targets;
    }

    /** Each member's share: q, plus one for r of them, those leading more than q first, then by identity. */
    private static Map<String, Integer> shares(TreeSet<String> members, int leaseCount, Map<String, List<String>> led) {
        int q = leaseCount / members.size();
        int larger = leaseCount % members.size();
        Map<String, Integer> shares = new HashMap<>();
        List<String> order = new ArrayList<>();
        members.stream().filter(m -> led.get(m).size() > q).forEach(order::add);
        members.stream().filter(m -> led.get(m).size() <= q).forEach(order::add);
        for (int i = 0; i < order.size(); i++) {
            shares.put(order.get(i), i < larger ? q + 1 : q);
        }
        return shares;
    }
}

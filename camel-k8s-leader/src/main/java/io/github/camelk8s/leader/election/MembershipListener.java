package io.github.camelk8s.leader.election;

import java.util.List;

/** Told of every change of a group's live members ({@link GroupMembership#addListener}). */
@FunctionalInterface
public interface MembershipListener {

    /**
     * The group's live members now, this member first while it is one, then by the lowest slot each holds. Called
     * in the order the changes were seen, one call at a time, on a thread the Leases' events share: must not block.
     */
    void membersChanged(List<String> members);
}

package io.github.camelk8s.leader;

/** What happened to the leadership of a Lease, as seen by this pod. */
public enum LeadershipEventType {
    /** This pod became leader: its write to the Lease succeeded. */
    ELECTED,
    /** This pod stopped being leader (stepped down, saw another holder, or stopped); once per ELECTED. */
    LOST,
    /** Another pod was observed holding the Lease. */
    NEW_LEADER
}

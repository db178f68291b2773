/**
 * Leader election on a {@code coordination.k8s.io/v1} Lease, usable from plain Java (no Camel here).
 * <p>
 * <b>Structure.</b> {@link io.github.camelk8s.leader.election.ElectionCore} holds the rules: a state machine that takes
 * inputs with their local times and returns actions, with no threads, I/O or clock, which is what lets the
 * deterministic simulator (test scope) explore it on virtual time.
 * {@link io.github.camelk8s.leader.election.LeaseElector} drives it: API calls through
 * {@link io.github.camelk8s.leader.election.LeaseStore} on the factory's API threads, timers on its timing thread, the
 * namespace watch, and the listeners on an ordered event executor.
 * <p>
 * <b>Safety model.</b> The Lease holds one record: holderIdentity, leaseDurationSeconds, acquireTime, renewTime and
 * leaseTransitions, with the meaning client-go gives them. Every write is a create or an update carrying the
 * resourceVersion that was read, so the API server serialises the candidates: of two writes based on the same
 * observation, one fails with 409 and its author decides again on a newer record (the winner's, from the watch, or else
 * read again). A candidate becomes leader only when its write succeeded.
 * <p>
 * Only locally captured timestamps are trusted. A follower takes a lease held by another only after it has observed the
 * same record, unchanged, for leaseDurationSeconds on its own monotonic clock, counted from when it first saw that
 * record; the renewTime written by the holder is never compared with the local clock. So wall clocks may be skewed by
 * any amount. What must hold is that clocks run at about the same <em>rate</em>: the leader counts renewDeadline from
 * before it sent its last successful renewal, followers count leaseDuration from after they saw it, and leaseDuration -
 * renewDeadline is the margin that absorbs differences in rate and in observation delay. A leader steps down, on a
 * timer that does not wait for hanging API calls, once renewDeadline has passed without a successful renewal, so it
 * stops acting as leader before any follower can consider its lease expired.
 * <p>
 * A candidate may also step aside on request ({@link io.github.camelk8s.leader.election.LeaseElector#yieldLeadership}):
 * a leader steps down as at its deadline, releases once its listeners have handled that and its leader-only steps have
 * ended, and the candidate stays out of the election for the given time. What observes an election (Kubernetes
 * Events, health, JMX, meters: the management package) is a listener like any other, off the timing path.
 * <p>
 * A lease whose holder is empty (released) or which was deleted may be taken at once. Followers watch the namespace's
 * Leases, so a release, a deletion or a renewal is seen within milliseconds, and a timer fires at the observed expiry;
 * polling every retryPeriod is only the fallback while the watch is down.
 * <p>
 * <b>What this does not guarantee.</b> Being leader is a belief with a deadline, not a lock: a process paused past its
 * renewDeadline (a long GC, a frozen VM) may resume still believing it leads until its timer runs. Begin each step of
 * leader-only work with {@link io.github.camelk8s.leader.election.LeaseElector#tryBeginStep()}, which compares the
 * deadline with the clock, and end it with {@link io.github.camelk8s.leader.election.LeaseElector#endStep()}, so that a
 * stop releases only once it has ended; keep each step shorter than the margin, and where work must never overlap,
 * fence it in the resource itself. Deleting a held Lease makes it free at once: the holder steps down as soon as it
 * observes the deletion, but for that moment two candidates may believe they lead.
 */
package io.github.camelk8s.leader.election;

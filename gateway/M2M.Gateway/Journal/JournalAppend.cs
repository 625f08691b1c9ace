namespace M2M.Gateway.Journal;

/// <summary>How an append ended.</summary>
public enum AppendOutcome
{
    /// <summary>Not decided yet.</summary>
    Pending,

    /// <summary>Durable (docs/protocol.md section 8 rule 1): the PUBACK may be sent.</summary>
    Appended,

    /// <summary>A resend of a message already durable (rule 2): acknowledged, not journaled again.</summary>
    Duplicate,

    /// <summary>Older or reordered, or the same numbers with other content (rule 3).</summary>
    Replayed,

    /// <summary>Not durable: the transaction failed, or an earlier append of the same waiter did.</summary>
    Failed,
}

/// <summary>Who waits for appends: told of each one on the journal's writer thread, in append order.</summary>
public interface IJournalWaiter
{
    /// <summary>
    /// False once one of this waiter's appends failed. Its later appends are then failed without
    /// being judged: accepting them would leave a gap before them that the device's resend of the
    /// failed message could not fill (it would be older than the mark, section 8 rule 3).
    /// </summary>
    bool Accepting { get; }

    /// <summary>Called once per append when its outcome is known; runs on the writer's thread and must not block.</summary>
    void OnJournaled(JournalAppend append);
}

/// <summary>
/// One verified message on its way into the journal. The writer judges it against the device's
/// replay window (docs/protocol.md section 8) and commits it in the same transaction as the window,
/// so a check and its append can never interleave with another connection of the same device.
/// </summary>
/// <param name="record">The record to append (its position is assigned by the writer).</param>
/// <param name="signature">The raw m2m-sig bytes, for the replay window.</param>
/// <param name="waiter">Who is told the outcome; null for fire-and-forget callers.</param>
public sealed class JournalAppend(JournalRecord record, byte[] signature, IJournalWaiter? waiter)
{
    /// <summary>The record; <see cref="JournalRecord.Position"/> is 0 until appended (see <see cref="Position"/>).</summary>
    public JournalRecord Record { get; } = record;

    /// <summary>The raw signature bytes.</summary>
    public byte[] Signature { get; } = signature;

    /// <summary>Who waits for it.</summary>
    public IJournalWaiter? Waiter { get; } = waiter;

    /// <summary>The outcome, set by the writer before <see cref="IJournalWaiter.OnJournaled"/>.</summary>
    public AppendOutcome Outcome { get; internal set; }

    /// <summary>The journal position when <see cref="AppendOutcome.Appended"/>.</summary>
    public long Position { get; internal set; }

    /// <summary>Why it failed, when <see cref="AppendOutcome.Failed"/>.</summary>
    public Exception? Error { get; internal set; }

    /// <summary>Caller's state, e.g. the PUBLISH it belongs to.</summary>
    public object? State { get; init; }
}

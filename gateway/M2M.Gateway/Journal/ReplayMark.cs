namespace M2M.Gateway.Journal;

/// <summary>
/// A device's replay mark as the journal committed it (docs/protocol.md section 8): the epoch and
/// sequence of the last message accepted under a credential generation. Every later message must
/// come after it.
/// </summary>
/// <param name="Generation">The credential generation the mark belongs to (a rotation starts a new one).</param>
/// <param name="Epoch">The epoch of the last accepted message.</param>
/// <param name="Sequence">Its sequence number.</param>
public sealed record ReplayMark(long Generation, uint Epoch, uint Sequence);

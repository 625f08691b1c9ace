using M2M.Gateway.Journal;

namespace M2M.Gateway.Cluster.Relay;

/// <summary>
/// The seam between retention and the cluster's replay checkpoints (CLUSTER-DESIGN, "Replay
/// protection across nodes"): before the journal stream is purged, every record about to go is folded
/// into its device's checkpoint, so purging never loses replay state. Implemented by the journal's
/// write side (ReplayCheckpoints.FoldAsync); without an implementation registered, retention purges
/// nothing (and says so) rather than forget which messages were accepted.
/// </summary>
public interface IReplayFold
{
    /// <summary>Folds <paramref name="records"/> (in stream order) into their devices' replay checkpoints, durably.</summary>
    Task FoldAsync(IReadOnlyList<JournalRecord> records, CancellationToken cancellationToken);
}

namespace M2M.Gateway.Journal;

/// <summary>
/// The relay's batch ledger (docs/ingress.md, "Relay", stage "build and sign"): each batch's
/// positions and JWS, entered before any sink delivers it, so a batch built again is the same bytes.
/// <see cref="BatchLedger"/> (SQLite) embedded; in Cluster mode one table in PostgreSQL, so a batch
/// a node built is rebuilt the same by the node that takes its sink over.
/// </summary>
public interface IBatchLedger
{
    /// <summary>The batch that holds position <paramref name="after"/> + 1, or else the first one after it; null when there is none.</summary>
    SignedBatch? Find(long after);

    /// <summary>Enters a batch before any sink delivers it; false when it could not be written (the batch is delivered all the same).</summary>
    bool Keep(SignedBatch batch);

    /// <summary>Drops the batches that end at or before <paramref name="passed"/>.</summary>
    void Prune(long passed);
}

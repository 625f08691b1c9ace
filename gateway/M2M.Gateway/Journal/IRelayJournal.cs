namespace M2M.Gateway.Journal;

/// <summary>
/// Everything the relay needs of the journal: its records, the sinks' positions, dead letters and the
/// batch ledger. <see cref="TelemetryJournal"/> embedded; Cluster/ClusterRelayJournal in Cluster mode
/// (the JetStream journal stream and PostgreSQL). Chosen at composition (RelayStoreExtensions).
/// </summary>
public interface IRelayJournal : IJournalReader, ISinkPositions, IDeadLetterStore
{
    /// <summary>The relay's batch ledger.</summary>
    IBatchLedger Ledger { get; }
}

namespace M2M.Gateway.Journal;

/// <summary>A record with the position the journal gave it when its transaction committed.</summary>
/// <param name="Position">The journal position.</param>
/// <param name="Record">The record as appended (its own <see cref="JournalRecord.Position"/> may be 0).</param>
public readonly record struct CommittedRecord(long Position, JournalRecord Record);

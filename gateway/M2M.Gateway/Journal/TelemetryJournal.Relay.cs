using Microsoft.Data.Sqlite;

namespace M2M.Gateway.Journal;

/// <summary>
/// The relay's side of the journal: the committed tail in memory, reading records, the live and
/// persisted sink positions, the backlog that holds ingest back, dead letters and retention.
/// </summary>
public sealed partial class TelemetryJournal : IRelayJournal
{
    private readonly LiveSinkPositions _live = new();
    private CommittedTail? _tail;

    /// <summary>
    /// Records the slowest enabled sink has not delivered yet (0 while no sink is enabled): the
    /// figure <see cref="JournalOptions.MaxBacklog"/> bounds. Reads only memory.
    /// </summary>
    public long Backlog
    {
        get
        {
            var slowest = _live.Slowest;
            return slowest == null ? 0 : Math.Max(0, LastPosition - slowest.Value);
        }
    }

    /// <summary>The enabled sinks' live positions.</summary>
    public IReadOnlyList<SinkProgress> Sinks => _live.Sinks;

    private CommittedTail Tail => _tail ?? CreateTail();

    IBatchLedger IRelayJournal.Ledger => Ledger;

    /// <summary>
    /// Completes when <see cref="Backlog"/> is below <paramref name="limit"/>: at once, without
    /// allocating, when it already is; otherwise when a sink's progress brings it there.
    /// </summary>
    public ValueTask WaitForBacklogBelowAsync(long limit, CancellationToken cancellationToken) =>
        _live.WaitUntilBelowAsync(() => Backlog, limit, cancellationToken);

    /// <summary>
    /// Starts the live view of an enabled sink at <paramref name="position"/>. Only tracked sinks
    /// count for <see cref="Backlog"/> and retention: a sink no longer configured holds nothing back.
    /// </summary>
    public SinkProgress TrackSink(string sink, long position) => _live.Track(sink, position);

    /// <summary>Stops the live view of a sink (Cluster mode's leases; embedded, this process keeps every sink).</summary>
    public void UntrackSink(string sink) => _live.Untrack(sink);

    /// <summary>
    /// Where a sink starts: its persisted position, or just before the oldest record still kept
    /// when that is later (retention may have deleted older records while the sink was not
    /// configured; a new sink starts with what is kept).
    /// </summary>
    public long StartPosition(string sink)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT position FROM sink_positions WHERE sink = $sink), (SELECT MIN(position) FROM records)";
        command.Parameters.AddWithValue("$sink", sink);
        using var reader = command.ExecuteReader();
        reader.Read();
        var persisted = reader.IsDBNull(0) ? 0 : reader.GetInt64(0);
        var beforeOldest = reader.IsDBNull(1) ? LastPosition : reader.GetInt64(1) - 1;
        return Math.Max(persisted, beforeOldest);
    }

    /// <summary>
    /// Adds to <paramref name="destination"/> up to <paramref name="max"/> committed records after
    /// <paramref name="after"/>, oldest first: from memory when the tail still holds them, else
    /// from SQLite. Returns true when they came from memory.
    /// </summary>
    public bool ReadCommittedAfter(long after, int max, List<CommittedRecord> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (Tail.TryRead(after, max, destination))
        {
            return true;
        }

        foreach (var record in ReadAfter(after, max))
        {
            destination.Add(new CommittedRecord(record.Position, record));
        }

        return false;
    }

    /// <summary>Up to <paramref name="max"/> records after <paramref name="position"/> in journal.db, oldest first.</summary>
    public IReadOnlyList<JournalRecord> ReadAfter(long position, int max) =>
        ReadRecords("position > $after", max, ("$after", position));

    /// <summary>
    /// Up to <paramref name="max"/> records of <paramref name="tenant"/> after <paramref name="position"/>,
    /// with a gateway time (Unix milliseconds) in [<paramref name="sinceMs"/>, <paramref name="untilMs"/>)
    /// when given, oldest first: the consumer API's read (docs/admin-api.md, "Consumer API").
    /// </summary>
    public IReadOnlyList<JournalRecord> ReadTenantAfter(string tenant, long position, long? sinceMs, long? untilMs, int max) =>
        ReadRecords(
            "position > $after AND tenant = $tenant AND ($since IS NULL OR gateway_time >= $since) AND ($until IS NULL OR gateway_time < $until)",
            max, ("$after", position), ("$tenant", tenant), ("$since", sinceMs), ("$until", untilMs));

    private List<JournalRecord> ReadRecords(string where, int max, params (string Name, object? Value)[] parameters)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT position, device_id, tenant, generation, topic, epoch, seq, device_time, gateway_time, content_type, payload, signature
            FROM records WHERE {where} ORDER BY position LIMIT $max
            """;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        command.Parameters.AddWithValue("$max", max);
        using var reader = command.ExecuteReader();
        var records = new List<JournalRecord>();
        while (reader.Read())
        {
            records.Add(new JournalRecord(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4),
                (uint)reader.GetInt64(5), (uint)reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8),
                reader.IsDBNull(9) ? null : reader.GetString(9), (byte[])reader[10], reader.GetString(11)));
        }

        return records;
    }

    /// <summary>Persists a sink's position: every record up to it was delivered or dead-lettered.</summary>
    public void SetSinkPosition(string sink, long position) => _ = Execute(
        "INSERT INTO sink_positions (sink, position) VALUES ($sink, $position) ON CONFLICT (sink) DO UPDATE SET position = excluded.position",
        ("$sink", sink), ("$position", position));

    /// <summary>
    /// Brings the relay's tables to this version (the <c>queued</c> flag of dead letters); run by
    /// the relay before it reads them.
    /// </summary>
    public void MigrateRelayTables()
    {
        using var connection = Open();
        using var columns = connection.CreateCommand();
        columns.CommandText = "SELECT COUNT(*) FROM pragma_table_info('dead_letters') WHERE name = 'queued'";
        if ((long)columns.ExecuteScalar()! == 0)
        {
            Execute(connection, "ALTER TABLE dead_letters ADD COLUMN queued INTEGER NOT NULL DEFAULT 0;");
        }

        Execute(connection, "CREATE INDEX IF NOT EXISTS dead_letters_by_sink ON dead_letters (sink, id); CREATE INDEX IF NOT EXISTS dead_letters_by_position ON dead_letters (sink, position);");
    }

    /// <summary>
    /// Keeps an event a sink gave up on, with the last error (no secrets in it); once per sink and
    /// position, as a sink that failed after dead-lettering an event gives up on it again when it
    /// resumes from its last durable position. Returns false when it was kept already.
    /// </summary>
    public bool AddDeadLetter(string sink, long position, int attempts, string lastError, long failedAt, string eventJson) => Execute(
        """
        INSERT INTO dead_letters (sink, position, attempts, error, failed_at, event)
        SELECT $sink, $position, $attempts, $error, $at, $event
        WHERE NOT EXISTS (SELECT 1 FROM dead_letters WHERE sink = $sink AND position = $position)
        """,
        ("$sink", sink), ("$position", position), ("$attempts", attempts), ("$error", lastError), ("$at", failedAt), ("$event", eventJson));

    /// <summary>How many dead letters a sink has.</summary>
    public long CountDeadLetters(string sink)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM dead_letters WHERE sink = $sink";
        command.Parameters.AddWithValue("$sink", sink);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>
    /// A sink's dead letters with an id above <paramref name="afterId"/>, oldest first, at most
    /// <paramref name="limit"/>; only those queued for redelivery when <paramref name="queuedOnly"/>.
    /// </summary>
    public IReadOnlyList<DeadLetter> ReadDeadLetters(string sink, long afterId = 0, int limit = int.MaxValue, bool queuedOnly = false)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT id, position, attempts, error, failed_at, queued, event FROM dead_letters
            WHERE sink = $sink AND id > $after {(queuedOnly ? "AND queued = 1" : string.Empty)} ORDER BY id LIMIT $limit
            """;
        command.Parameters.AddWithValue("$sink", sink);
        command.Parameters.AddWithValue("$after", afterId);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var letters = new List<DeadLetter>();
        while (reader.Read())
        {
            letters.Add(new DeadLetter(reader.GetInt64(0), sink, reader.GetInt64(1), reader.GetInt32(2), reader.GetString(3),
                reader.GetInt64(4), reader.GetInt64(5) != 0, reader.GetString(6)));
        }

        return letters;
    }

    /// <summary>
    /// Queues a sink's dead letters for redelivery: those in <paramref name="ids"/>, or all when it
    /// is null. Returns the ids queued (ids of other sinks or unknown ids are left out).
    /// </summary>
    public IReadOnlyList<long> QueueRedelivery(string sink, IReadOnlyCollection<long>? ids)
    {
        var queued = ids == null
            ? ForEachId("UPDATE dead_letters SET queued = 1 WHERE sink = $sink RETURNING id", sink, [0])
            : ForEachId("UPDATE dead_letters SET queued = 1 WHERE sink = $sink AND id = $id RETURNING id", sink, ids);
        queued.Sort();
        return queued;
    }

    /// <summary>Removes dead letters that were redelivered.</summary>
    public void RemoveDeadLetters(IReadOnlyList<long> ids) =>
        ForEachId("DELETE FROM dead_letters WHERE id = $id RETURNING id", null, ids);

    /// <summary>A redelivery failed again: the letter stays, no longer queued, with its new error.</summary>
    public void FailDeadLetter(long id, int attempts, string lastError, long failedAt) => _ = Execute(
        "UPDATE dead_letters SET queued = 0, attempts = $attempts, error = $error, failed_at = $at WHERE id = $id",
        ("$id", id), ("$attempts", attempts), ("$error", lastError), ("$at", failedAt));

    /// <summary>
    /// Retention: deletes the records every enabled sink has passed (delivered or dead-lettered,
    /// by the live positions) that are older than <see cref="JournalOptions.Retention"/>, and the
    /// ledger's batches every enabled sink has passed by its saved position. A record some enabled
    /// sink has not passed is never deleted. Returns how many records were deleted.
    /// </summary>
    /// <remarks>
    /// Oldest first, <see cref="PruneChunk"/> positions per statement (each its own short
    /// transaction, found through the primary key), stopping at the first record still within
    /// Retention (records are journaled in time order), then the freed pages are returned to the
    /// file <see cref="VacuumChunk"/> pages at a time. Between statements it pauses, so a commit of
    /// the writer that waits for SQLite's write lock takes it (SQLite's busy handler polls after 1,
    /// 3, 8 and 18 ms). One statement over the whole table held that lock for as long as it took to
    /// read every record: about a second per gigabyte of journal, once a minute, during which no
    /// message could be acknowledged.
    /// </remarks>
    public async Task<long> PruneAsync(long nowMilliseconds, CancellationToken cancellationToken)
    {
        var sinks = _live.Sinks;
        var passed = _live.Slowest ?? LastPosition;
        using var connection = Open();
        using var delete = connection.CreateCommand();
        delete.CommandText = """
            DELETE FROM records
            WHERE position IN (SELECT position FROM records WHERE position <= $passed ORDER BY position LIMIT $chunk)
            AND gateway_time < $cutoff
            """;
        delete.Parameters.AddWithValue("$passed", passed);
        delete.Parameters.AddWithValue("$chunk", PruneChunk);
        delete.Parameters.AddWithValue("$cutoff", nowMilliseconds - (long)_options.Retention.TotalMilliseconds);
        long deleted = 0;
        int count;
        do
        {
            count = delete.ExecuteNonQuery();
            deleted += count;
            await PauseAsync(cancellationToken).ConfigureAwait(false);
        }
        while (count == PruneChunk);

        PruneSignedBatches(connection, sinks);

        // Until nothing is left to give back, or nothing more can be (a file made without
        // auto_vacuum = INCREMENTAL keeps its free pages for reuse).
        using var vacuum = connection.CreateCommand();
        vacuum.CommandText = $"PRAGMA incremental_vacuum({VacuumChunk});";
        using var free = connection.CreateCommand();
        free.CommandText = "PRAGMA freelist_count;";
        for (long pages = (long)free.ExecuteScalar()!, before = long.MaxValue; pages > 0 && pages < before; before = pages, pages = (long)free.ExecuteScalar()!)
        {
            vacuum.ExecuteNonQuery();
            await PauseAsync(cancellationToken).ConfigureAwait(false);
        }

        return deleted;
    }

    /// <summary>
    /// Drops the <see cref="Ledger"/>'s batches every enabled sink has passed by its saved position
    /// (a sink resumes from that one after a crash; the live one may be ahead of it).
    /// </summary>
    private void PruneSignedBatches(SqliteConnection connection, IReadOnlyList<SinkProgress> sinks)
    {
        var saved = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT sink, position FROM sink_positions";
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                saved[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        var passed = sinks.Count == 0 ? LastPosition : sinks.Min(s => saved.GetValueOrDefault(s.Sink));
        Ledger.Prune(passed);
    }

    // A yield to the writer, not a time of the journal's: real time, whatever clock the gateway runs
    // on, and no thread held while it passes (a run can take minutes after a long outage).
    private static Task PauseAsync(CancellationToken cancellationToken) => Task.Delay(PrunePause, cancellationToken);

    /// <summary>Runs one statement with its parameters on a connection of its own; true when it changed a row.</summary>
    private bool Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command.ExecuteNonQuery() > 0;
    }

    /// <summary>
    /// Runs <paramref name="sql"/> (which returns ids) once per id as <c>$id</c>, with <c>$sink</c>,
    /// in one transaction; returns every id it returned.
    /// </summary>
    private List<long> ForEachId(string sql, string? sink, IEnumerable<long> ids)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$sink", (object?)sink ?? DBNull.Value);
        var id = command.Parameters.Add(new SqliteParameter { ParameterName = "$id", Value = 0L });
        var returned = new List<long>();
        foreach (var one in ids)
        {
            id.Value = one;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                returned.Add(reader.GetInt64(0));
            }
        }

        transaction.Commit();
        return returned;
    }

    /// <summary>
    /// Called by the write side for every record, in position order, once its transaction has
    /// committed and before <see cref="LastPosition"/> shows it.
    /// </summary>
    private void OnCommitted(long position, JournalRecord record) => Tail.Add(position, record);

    private CommittedTail CreateTail()
    {
        Interlocked.CompareExchange(ref _tail, new CommittedTail(_options.TailRecords), null);
        return _tail!;
    }
}

namespace M2M.Gateway.Journal;

/// <summary>The relay's side of the journal: reading records, sink positions, dead letters, retention.</summary>
public sealed partial class TelemetryJournal
{
    /// <summary>Up to <paramref name="max"/> records after <paramref name="position"/>, oldest first.</summary>
    public IReadOnlyList<JournalRecord> ReadAfter(long position, int max)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT position, device_id, tenant, generation, topic, epoch, seq, device_time, gateway_time, content_type, payload, signature
            FROM records WHERE position > $after ORDER BY position LIMIT $max
            """;
        command.Parameters.AddWithValue("$after", position);
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

    /// <summary>A sink's persisted position (0 before its first delivery).</summary>
    public long GetSinkPosition(string sink)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT position FROM sink_positions WHERE sink = $sink";
        command.Parameters.AddWithValue("$sink", sink);
        return command.ExecuteScalar() is long position ? position : 0;
    }

    /// <summary>Persists a sink's position: every record up to it was delivered or dead-lettered.</summary>
    public void SetSinkPosition(string sink, long position)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO sink_positions (sink, position) VALUES ($sink, $position) ON CONFLICT (sink) DO UPDATE SET position = excluded.position";
        command.Parameters.AddWithValue("$sink", sink);
        command.Parameters.AddWithValue("$position", position);
        command.ExecuteNonQuery();
    }

    /// <summary>Keeps an event a sink gave up on, with the last error (no secrets in it).</summary>
    public void AddDeadLetter(string sink, long position, int attempts, string error, long failedAt, string eventJson)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO dead_letters (sink, position, attempts, error, failed_at, event) VALUES ($sink, $position, $attempts, $error, $at, $event)";
        command.Parameters.AddWithValue("$sink", sink);
        command.Parameters.AddWithValue("$position", position);
        command.Parameters.AddWithValue("$attempts", attempts);
        command.Parameters.AddWithValue("$error", error);
        command.Parameters.AddWithValue("$at", failedAt);
        command.Parameters.AddWithValue("$event", eventJson);
        command.ExecuteNonQuery();
    }

    /// <summary>The dead letters of a sink, oldest first: (position, event JSON).</summary>
    public IReadOnlyList<(long Position, string Event)> ReadDeadLetters(string sink)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT position, event FROM dead_letters WHERE sink = $sink ORDER BY id";
        command.Parameters.AddWithValue("$sink", sink);
        using var reader = command.ExecuteReader();
        var letters = new List<(long, string)>();
        while (reader.Read())
        {
            letters.Add((reader.GetInt64(0), reader.GetString(1)));
        }

        return letters;
    }

    /// <summary>
    /// Retention: deletes records every listed sink has passed and that are older than
    /// <see cref="JournalOptions.Retention"/>, then the oldest beyond <see cref="JournalOptions.MaxRecords"/>.
    /// Returns (deleted after delivery, dropped undelivered).
    /// </summary>
    public (long Delivered, long Dropped) Prune(IEnumerable<string> sinks, long nowMilliseconds)
    {
        var passed = sinks.Select(GetSinkPosition).DefaultIfEmpty(LastPosition).Min();
        using var connection = Open();
        using var delivered = connection.CreateCommand();
        delivered.CommandText = "DELETE FROM records WHERE position <= $passed AND gateway_time < $cutoff";
        delivered.Parameters.AddWithValue("$passed", passed);
        delivered.Parameters.AddWithValue("$cutoff", nowMilliseconds - (long)_options.Retention.TotalMilliseconds);
        long deleted = delivered.ExecuteNonQuery();

        using var overflow = connection.CreateCommand();
        overflow.CommandText = "DELETE FROM records WHERE position <= (SELECT MAX(position) FROM records) - $max RETURNING position";
        overflow.Parameters.AddWithValue("$max", _options.MaxRecords);
        long dropped = 0;
        using (var reader = overflow.ExecuteReader())
        {
            while (reader.Read())
            {
                if (reader.GetInt64(0) > passed)
                {
                    dropped++;
                }
                else
                {
                    deleted++;
                }
            }
        }

        Execute(connection, "PRAGMA incremental_vacuum;");
        return (deleted, dropped);
    }
}

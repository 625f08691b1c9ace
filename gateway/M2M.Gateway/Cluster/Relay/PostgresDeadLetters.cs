using M2M.Gateway.Journal;
using Npgsql;

namespace M2M.Gateway.Cluster.Relay;

/// <summary>
/// Dead letters in PostgreSQL (table <c>m2m_relay_dead_letters</c>), shared by every node: the node
/// that holds a sink's lease adds and redelivers them; any node lists and queues them for an operator.
/// The same rules as embedded: once per sink and position; queued until redelivered or failed again.
/// </summary>
internal sealed class PostgresDeadLetters(NpgsqlDataSource dataSource)
{
    public bool Add(string sink, long position, int attempts, string lastError, long failedAt, string eventJson)
    {
        using var command = dataSource.CreateCommand("""
            INSERT INTO m2m_relay_dead_letters (sink, position, attempts, error, failed_at, event)
            VALUES (@sink, @position, @attempts, @error, @at, @event) ON CONFLICT (sink, position) DO NOTHING
            """);
        command.Parameters.AddWithValue("sink", sink);
        command.Parameters.AddWithValue("position", position);
        command.Parameters.AddWithValue("attempts", attempts);
        command.Parameters.AddWithValue("error", lastError);
        command.Parameters.AddWithValue("at", failedAt);
        command.Parameters.AddWithValue("event", eventJson);
        return command.ExecuteNonQuery() > 0;
    }

    public long Count(string sink)
    {
        using var command = dataSource.CreateCommand("SELECT COUNT(*) FROM m2m_relay_dead_letters WHERE sink = @sink");
        command.Parameters.AddWithValue("sink", sink);
        return (long)command.ExecuteScalar()!;
    }

    public IReadOnlyList<DeadLetter> Read(string sink, long afterId, int limit, bool queuedOnly)
    {
        using var command = dataSource.CreateCommand("""
            SELECT id, position, attempts, error, failed_at, queued, event FROM m2m_relay_dead_letters
            WHERE sink = @sink AND id > @after AND (queued OR NOT @queuedOnly) ORDER BY id LIMIT @limit
            """);
        command.Parameters.AddWithValue("sink", sink);
        command.Parameters.AddWithValue("after", afterId);
        command.Parameters.AddWithValue("queuedOnly", queuedOnly);
        command.Parameters.AddWithValue("limit", (long)limit);
        using var reader = command.ExecuteReader();
        var letters = new List<DeadLetter>();
        while (reader.Read())
        {
            letters.Add(new DeadLetter(reader.GetInt64(0), sink, reader.GetInt64(1), reader.GetInt32(2), reader.GetString(3),
                reader.GetInt64(4), reader.GetBoolean(5), reader.GetString(6)));
        }

        return letters;
    }

    public IReadOnlyList<long> Queue(string sink, IReadOnlyCollection<long>? ids)
    {
        using var command = dataSource.CreateCommand(ids == null
            ? "UPDATE m2m_relay_dead_letters SET queued = true WHERE sink = @sink RETURNING id"
            : "UPDATE m2m_relay_dead_letters SET queued = true WHERE sink = @sink AND id = ANY(@ids) RETURNING id");
        command.Parameters.AddWithValue("sink", sink);
        if (ids != null)
        {
            command.Parameters.AddWithValue("ids", ids.ToArray());
        }

        return Ids(command);
    }

    public void Remove(IReadOnlyList<long> ids)
    {
        using var command = dataSource.CreateCommand("DELETE FROM m2m_relay_dead_letters WHERE id = ANY(@ids)");
        command.Parameters.AddWithValue("ids", ids.ToArray());
        command.ExecuteNonQuery();
    }

    public void Fail(long id, int attempts, string lastError, long failedAt)
    {
        using var command = dataSource.CreateCommand("UPDATE m2m_relay_dead_letters SET queued = false, attempts = @attempts, error = @error, failed_at = @at WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("attempts", attempts);
        command.Parameters.AddWithValue("error", lastError);
        command.Parameters.AddWithValue("at", failedAt);
        command.ExecuteNonQuery();
    }

    private static List<long> Ids(NpgsqlCommand command)
    {
        using var reader = command.ExecuteReader();
        var ids = new List<long>();
        while (reader.Read())
        {
            ids.Add(reader.GetInt64(0));
        }

        ids.Sort();
        return ids;
    }
}

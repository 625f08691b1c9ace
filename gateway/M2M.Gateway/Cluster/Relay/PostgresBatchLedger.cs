using M2M.Gateway.Journal;
using Npgsql;

namespace M2M.Gateway.Cluster.Relay;

/// <summary>
/// The relay's batch ledger in PostgreSQL (table <c>m2m_relay_batches</c>): a batch one node built is
/// rebuilt the same bytes by the node that takes its sink over. Batches never overlap: a node that
/// built a batch overlapping one another node entered first (two sinks held by two nodes building at
/// the same moment) does not enter it; its events are delivered all the same, and a repeat of them
/// is rebuilt from the entry that is there.
/// </summary>
internal sealed partial class PostgresBatchLedger(NpgsqlDataSource dataSource, ILogger<PostgresBatchLedger> logger) : IBatchLedger
{
    public SignedBatch? Find(long after)
    {
        using var command = dataSource.CreateCommand("""
            (SELECT first, last, signature FROM m2m_relay_batches WHERE first <= @next AND last >= @next ORDER BY first DESC LIMIT 1)
            UNION ALL
            (SELECT first, last, signature FROM m2m_relay_batches WHERE first > @next ORDER BY first LIMIT 1)
            LIMIT 1
            """);
        command.Parameters.AddWithValue("next", after + 1);
        using var reader = command.ExecuteReader();
        return reader.Read() ? new SignedBatch(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2)) : null;
    }

    public bool Keep(SignedBatch batch)
    {
        try
        {
            // A batch signed anew over the end of one whose start retention deleted replaces it, as
            // embedded; then it is entered unless another node's entry overlaps it.
            using var connection = dataSource.OpenConnection();
            using var transaction = connection.BeginTransaction();
            using (var replace = new NpgsqlCommand("DELETE FROM m2m_relay_batches WHERE first < @first AND last >= @first", connection, transaction))
            {
                replace.Parameters.AddWithValue("first", batch.First);
                replace.ExecuteNonQuery();
            }

            using var keep = new NpgsqlCommand("""
                INSERT INTO m2m_relay_batches (first, last, signature)
                SELECT @first, @last, @signature
                WHERE NOT EXISTS (SELECT 1 FROM m2m_relay_batches WHERE first <= @last AND last >= @first)
                ON CONFLICT (first) DO NOTHING
                """, connection, transaction);
            keep.Parameters.AddWithValue("first", batch.First);
            keep.Parameters.AddWithValue("last", batch.Last);
            keep.Parameters.AddWithValue("signature", batch.Signature);
            var kept = keep.ExecuteNonQuery() == 1;
            transaction.Commit();
            return kept;
        }
        catch (NpgsqlException exception)
        {
            LogKeepFailed(batch.First, batch.Last, FailureKindOf(exception));
            return false;
        }
    }

    public void Prune(long passed)
    {
        using var command = dataSource.CreateCommand("DELETE FROM m2m_relay_batches WHERE last <= @passed");
        command.Parameters.AddWithValue("passed", passed);
        command.ExecuteNonQuery();
    }

    private static string FailureKindOf(NpgsqlException exception) => exception is PostgresException postgres ? postgres.SqlState : exception.GetType().Name;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The relay's batch ledger could not keep the batch of positions {First} to {Last} ({Error}); it is delivered all the same, and a repeat of it is signed anew")]
    private partial void LogKeepFailed(long first, long last, string error);
}

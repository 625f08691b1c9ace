using System.Threading.Channels;
using M2M.Gateway.Hosting;
using Microsoft.Data.Sqlite;

namespace M2M.Gateway.Tokens.Assertion;

/// <summary>
/// The assertion ids already used, per device (docs/protocol.md section 3.2 rule 5; RFC 7523
/// section 3 item 7), in SQLite in the data folder (<c>jti.db</c>, WAL, <c>synchronous=FULL</c>) so a
/// restart forgets none. Each is kept until its assertion's <c>exp</c> + skew; after that the
/// assertion is refused as expired anyway. The token endpoint and in-band renewal share this one store.
/// </summary>
/// <remarks>
/// Group commit, as the journal does it (Journal/TelemetryJournal.cs): one writer takes every request
/// that is waiting, decides each with its own statement inside one transaction, commits it (one
/// fsync for the whole group) and only then answers them. So an answer, and with it a token, never
/// leaves before its <c>jti</c> is durable, and concurrent requests share the fsync instead of
/// queueing for one each. Two requests with the same id in one group are decided in order by the
/// same statement: the first inserts the row, the second finds it and loses. When the commit fails,
/// nothing of the group was spent and every request of it fails (<c>jti_store_unavailable</c>).
/// </remarks>
public sealed class JtiStore : IJtiStore, IAsyncDisposable, IDisposable
{
    private const string FileName = "jti.db";

    // Expired rows are deleted every this many groups, keeping the table as small as the live assertions.
    private const int PurgeEvery = 256;

    // Bounds one transaction (and so how long the first request of a group waits for the last).
    private const int MaxGroup = 1024;

    private readonly Channel<Consume> _requests = Channel.CreateUnbounded<Consume>(new UnboundedChannelOptions { SingleReader = true });
    private readonly string _connectionString;
    private readonly Task _writer;

    public JtiStore(DataDirectory data)
    {
        var path = data.Combine(FileName);
        PrivateFile.CreateIfMissing(path);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();

        // Opened here, so a store that cannot be opened stops the gateway at start.
        var connection = Open();
        _writer = Task.Run(() => WriteLoopAsync(connection));
    }

    /// <inheritdoc />
    public Task<bool> TryConsumeAsync(string deviceId, string jti, DateTimeOffset now, DateTimeOffset rememberUntil, CancellationToken cancellationToken)
    {
        var request = new Consume(deviceId, jti, now.ToUnixTimeSeconds(), rememberUntil.ToUnixTimeSeconds());
        if (!_requests.Writer.TryWrite(request))
        {
            throw new IOException("The jti store is closed.");
        }

        // A caller that gives up still has its id spent once the group commits: spending is never undone.
        return request.Completion.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _requests.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var setup = connection.CreateCommand();
            setup.CommandText = """
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = FULL;
                CREATE TABLE IF NOT EXISTS used_jti (
                    device_id TEXT NOT NULL, jti TEXT NOT NULL, expires_at INTEGER NOT NULL,
                    PRIMARY KEY (device_id, jti)) WITHOUT ROWID;
                """;
            setup.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private async Task WriteLoopAsync(SqliteConnection? connection)
    {
        var group = new List<Consume>(MaxGroup);
        long groups = 0;
        try
        {
            while (await _requests.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                group.Clear();
                while (group.Count < MaxGroup && _requests.Reader.TryRead(out var request))
                {
                    group.Add(request);
                }

                try
                {
                    connection ??= Open();
                    Commit(connection, group, ++groups % PurgeEvery == 0);
                }
                catch (Exception exception)
                {
                    // Nothing of the group is durable, so nothing was spent: each request fails and the
                    // device retries with a new assertion. A commit that failed can leave its
                    // transaction open (https://sqlite.org/lang_transaction.html): the next group
                    // starts on a new connection.
                    connection?.Dispose();
                    connection = null;
                    var failure = exception is SqliteException or IOException ? exception : new IOException("The jti store failed.", exception);
                    foreach (var request in group)
                    {
                        request.Completion.TrySetException(failure);
                    }

                    continue;
                }

                foreach (var request in group)
                {
                    request.Completion.TrySetResult(request.Consumed);
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private static void Commit(SqliteConnection connection, List<Consume> group, bool purge)
    {
        using var transaction = connection.BeginTransaction();
        if (purge)
        {
            using var delete = connection.CreateCommand();
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM used_jti WHERE expires_at <= $now";
            delete.Parameters.AddWithValue("$now", group[^1].Now);
            delete.ExecuteNonQuery();
        }

        // One statement decides atomically: a new id is inserted, a forgotten (expired) one is
        // taken again, a remembered one (also one inserted earlier in this group) changes nothing.
        using var consume = connection.CreateCommand();
        consume.Transaction = transaction;
        consume.CommandText = """
            INSERT INTO used_jti (device_id, jti, expires_at) VALUES ($device, $jti, $until)
            ON CONFLICT (device_id, jti) DO UPDATE SET expires_at = excluded.expires_at WHERE used_jti.expires_at <= $now
            """;
        var device = consume.Parameters.Add("$device", SqliteType.Text);
        var jti = consume.Parameters.Add("$jti", SqliteType.Text);
        var until = consume.Parameters.Add("$until", SqliteType.Integer);
        var now = consume.Parameters.Add("$now", SqliteType.Integer);
        foreach (var request in group)
        {
            device.Value = request.DeviceId;
            jti.Value = request.Jti;
            until.Value = request.RememberUntil;
            now.Value = request.Now;
            request.Consumed = consume.ExecuteNonQuery() == 1;
        }

        // synchronous=FULL: the write-ahead log is synced before Commit returns.
        transaction.Commit();
    }

    private sealed class Consume(string deviceId, string jti, long now, long rememberUntil)
    {
        public string DeviceId { get; } = deviceId;

        public string Jti { get; } = jti;

        public long Now { get; } = now;

        public long RememberUntil { get; } = rememberUntil;

        /// <summary>Set by the writer: whether this request spent the id.</summary>
        public bool Consumed { get; set; }

        public TaskCompletionSource<bool> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

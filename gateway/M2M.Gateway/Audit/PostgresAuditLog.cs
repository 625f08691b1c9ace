using System.Runtime.CompilerServices;
using System.Text;
using M2M.Gateway.Cluster;
using Microsoft.Extensions.Options;
using Npgsql;

namespace M2M.Gateway.Audit;

/// <summary>
/// The audit log in Cluster mode: one table of the shared PostgreSQL database (part
/// <see cref="Part"/>), so the lines of every node are one ordered log, read through any node. A
/// line is the same JSON as in <c>audit.jsonl</c> plus the writing node (<c>node</c>); its position
/// is the row's <c>bigserial</c> id. Each write takes the table's EXCLUSIVE lock (readers are not
/// blocked) so rows commit in id order: a reader paging by id never passes a row that commits
/// later with a smaller id. The write is synchronous, as the file's append and flush are, and
/// bounded by <see cref="ClusterOptions.Timeout"/>.
/// </summary>
public sealed partial class PostgresAuditLog : IAuditLog, IAuditLogSource, IDisposable
{
    /// <summary>The part name in <c>m2m_schema</c>.</summary>
    public const string Part = "audit";

    /// <summary>Forward migrations; only ever append.</summary>
    public static readonly IReadOnlyList<string> Migrations =
    [
        // 1: one row per event, in write order; the line as written (json keeps its text and field
        // order), the writing node and the gateway time (Unix ms) as columns of their own.
        """
        CREATE TABLE audit_log (
            id bigserial PRIMARY KEY,
            node_id text NOT NULL,
            written_at bigint NOT NULL,
            line json NOT NULL
        );
        """,
    ];

    // Rows per query while streaming: a page of 1000 lines of one tenant may scan far more.
    private const int Batch = 500;

    private readonly PostgresSchema _schema;
    private readonly TimeProvider _time;
    private readonly ClusterOptions _options;
    private readonly ILogger<PostgresAuditLog> _logger;

    public PostgresAuditLog(NpgsqlDataSource dataSource, TimeProvider time, IOptions<ClusterOptions> options, ILogger<PostgresAuditLog> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _schema = new PostgresSchema(dataSource, Part, Migrations);
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    /// <inheritdoc />
    public void Record(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        var now = _time.GetUtcNow();
        var line = Encoding.UTF8.GetString(JsonLinesAuditLog.Serialize(auditEvent, now, _options.NodeId)).TrimEnd('\n');
        try
        {
            using var timeout = new CancellationTokenSource(_options.Timeout);

            // Once per process (a completed task afterwards): the table exists before the first row.
            _schema.EnsureAsync(timeout.Token).GetAwaiter().GetResult();
            using var connection = _schema.DataSource.OpenConnection();
            using var transaction = connection.BeginTransaction();
            using (var lockTable = new NpgsqlCommand("LOCK TABLE audit_log IN EXCLUSIVE MODE", connection, transaction))
            {
                lockTable.CommandTimeout = CommandTimeout;
                lockTable.ExecuteNonQuery();
            }

            using (var insert = new NpgsqlCommand("INSERT INTO audit_log (node_id, written_at, line) VALUES (@node, @time, @line::json)", connection, transaction))
            {
                insert.CommandTimeout = CommandTimeout;
                insert.Parameters.AddWithValue("node", _options.NodeId);
                insert.Parameters.AddWithValue("time", now.ToUnixTimeMilliseconds());
                insert.Parameters.AddWithValue("line", line);
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException or InvalidOperationException)
        {
            // As the file's: the action is done; the operator learns the log is incomplete.
            LogWriteFailed(_logger, auditEvent.Action, e.Message);
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<(long Position, string Line)> ReadAfterAsync(long after, CancellationToken cancellationToken) =>
        ReadInBatchesAsync("SELECT id, line::text FROM audit_log WHERE id > @from ORDER BY id LIMIT @batch", after, cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<string> ReadNewestFirstAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var (_, line) in ReadInBatchesAsync("SELECT id, line::text FROM audit_log WHERE id < @from ORDER BY id DESC LIMIT @batch", long.MaxValue, cancellationToken).ConfigureAwait(false))
        {
            yield return line;
        }
    }

    public void Dispose() => _schema.Dispose();

    private int CommandTimeout => (int)Math.Ceiling(_options.Timeout.TotalSeconds);

    // The rows <sql> selects from cursor <from> on, a batch per query (each connection back in the
    // pool before the caller filters the rows), the cursor moving to each batch's last row.
    private async IAsyncEnumerable<(long Position, string Line)> ReadInBatchesAsync(string sql, long from, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<(long Position, string Line)> rows;
        do
        {
            rows = new List<(long, string)>(Batch);
            var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using var command = new NpgsqlCommand(sql, connection);
                command.Parameters.AddWithValue("from", from);
                command.Parameters.AddWithValue("batch", Batch);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        rows.Add((reader.GetInt64(0), reader.GetString(1)));
                    }
                }
            }

            foreach (var row in rows)
            {
                from = row.Position;
                yield return row;
            }
        }
        while (rows.Count == Batch);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write the audit event {Action} to the cluster's audit log: {Error}")]
    private static partial void LogWriteFailed(ILogger logger, string action, string error);
}

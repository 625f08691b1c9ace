using System.Text.Json;
using M2M.Gateway.Cluster;
using M2M.Gateway.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace M2M.Gateway.Audit;

/// <summary>
/// The audit log as a JSON-lines file, <c>audit.jsonl</c> in the data folder (created 0600): one
/// object per line, appended and flushed as each event happens, with the gateway's time. The
/// fields are those of <see cref="AuditEvent"/>; none of them can carry a secret.
/// </summary>
public sealed partial class JsonLinesAuditLog : IAuditLog, IDisposable
{
    /// <summary>The file's name in the data folder.</summary>
    public const string FileName = "audit.jsonl";

    private readonly Lock _lock = new();
    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly ILogger<JsonLinesAuditLog> _logger;
    private FileStream? _stream;

    public JsonLinesAuditLog(DataDirectory dataDirectory, TimeProvider time, ILogger<JsonLinesAuditLog> logger)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        _path = dataDirectory.Combine(FileName);
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    public void Record(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        var line = Serialize(auditEvent, _time.GetUtcNow());
        lock (_lock)
        {
            try
            {
                _stream ??= PrivateFile.Open(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
                _stream.Write(line);
                _stream.Flush();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The interface promises not to throw: a full disk must not fail the admin action
                // that was already done, but the operator learns the log is incomplete.
                LogWriteFailed(_logger, auditEvent.Action, e.Message);
                _stream?.Dispose();
                _stream = null;
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _stream?.Dispose();
            _stream = null;
        }
    }

    /// <summary>
    /// An event as one JSON line (newline included), the one format of both logs; <paramref name="node"/>
    /// (Cluster mode: the node that wrote it) is written only when set.
    /// </summary>
    internal static byte[] Serialize(AuditEvent auditEvent, DateTimeOffset time, string? node = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("time", time);
            writer.WriteString("action", auditEvent.Action);
            writer.WriteString("actor", auditEvent.Actor);
            writer.WriteString("deviceId", auditEvent.DeviceId);
            writer.WriteString("outcome", auditEvent.Outcome);
            writer.WriteString("remoteAddress", auditEvent.RemoteAddress);
            if (auditEvent.Target != null)
            {
                writer.WriteString("target", auditEvent.Target);
            }

            if (auditEvent.Tenant != null)
            {
                writer.WriteString("tenant", auditEvent.Tenant);
            }

            if (node != null)
            {
                writer.WriteString("node", node);
            }

            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write the audit event {Action} to the audit log: {Error}")]
    private static partial void LogWriteFailed(ILogger logger, string action, string error);
}

/// <summary>Registers the audit log.</summary>
public static class AuditLogExtensions
{
    /// <summary>
    /// Adds <see cref="IAuditLog"/> and its <see cref="IAuditLogSource"/>: <c>audit.jsonl</c> in the data
    /// folder, or in Cluster mode (<see cref="ClusterExtensions.IsCluster"/>) the table every node
    /// shares (<see cref="PostgresAuditLog"/>).
    /// </summary>
    public static IServiceCollection AddAuditLog(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DataDirectory>();
        if (ClusterExtensions.IsCluster(configuration))
        {
            services.TryAddSingleton<PostgresAuditLog>();
            services.TryAddSingleton<IAuditLog>(s => s.GetRequiredService<PostgresAuditLog>());
            services.TryAddSingleton<IAuditLogSource>(s => s.GetRequiredService<PostgresAuditLog>());
        }
        else
        {
            services.TryAddSingleton<IAuditLog, JsonLinesAuditLog>();
            services.TryAddSingleton<IAuditLogSource, JsonLinesAuditFile>();
        }

        return services;
    }
}

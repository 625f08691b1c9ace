namespace M2M.Gateway.Cluster;

/// <summary>How the gateway keeps its state (docs/scaling.md).</summary>
public enum GatewayMode
{
    /// <summary>One process; SQLite files in the data folder. The default.</summary>
    Embedded,

    /// <summary>
    /// Many processes behind a TCP load balancer sharing PostgreSQL (registry, keys, audit, token
    /// state, relay positions) and NATS JetStream (journal, replay checkpoints, session notices).
    /// </summary>
    Cluster,
}

/// <summary>Configuration section <c>Gateway:Cluster</c> (docs/scaling.md, "Configuration").</summary>
public sealed class ClusterOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Gateway:Cluster";

    /// <summary>Embedded (default) or Cluster.</summary>
    public GatewayMode Mode { get; set; } = GatewayMode.Embedded;

    /// <summary>
    /// This node's name in the cluster: unique per process, stable across its restarts. It names the
    /// node in session notices, relay leases, logs and metrics. Default: the host name.
    /// </summary>
    public string NodeId { get; set; } = Environment.MachineName.ToLowerInvariant();

    /// <summary>Npgsql connection string of the shared PostgreSQL database (required in Cluster mode).</summary>
    public string? Postgres { get; set; }

    /// <summary>
    /// Most PostgreSQL connections this node opens (its pool, relay leases and notifications
    /// included). PostgreSQL refuses clients past its <c>max_connections</c> (100 by default), so
    /// nodes × this must stay under it (docs/scaling.md, "Sizing").
    /// </summary>
    public int PostgresPoolSize { get; set; } = 24;

    /// <summary>NATS server URLs, comma-separated (required in Cluster mode); any member of the NATS cluster will do, the client learns the others.</summary>
    public string? Nats { get; set; }

    /// <summary>NATS user, when the servers require one.</summary>
    public string? NatsUser { get; set; }

    /// <summary>NATS password; never logged.</summary>
    public string? NatsPassword { get; set; }

    /// <summary>The JetStream stream that is the cluster's journal.</summary>
    public string JournalStream { get; set; } = "M2M_JOURNAL";

    /// <summary>Subject prefix of the journal stream; a record of device d is on <c>{prefix}.d</c>.</summary>
    public string JournalSubjectPrefix { get; set; } = "m2m.journal";

    /// <summary>
    /// Replicas of the journal stream and the key-value buckets (JetStream R). 3 survives the loss of
    /// one NATS node with nothing acknowledged lost: JetStream acknowledges a write once a majority
    /// of its replicas stored it.
    /// </summary>
    public int Replicas { get; set; } = 3;

    /// <summary>
    /// JetStream's duplicate window on the journal stream: a record written again with the same
    /// message id within it is stored once (docs/scaling.md, "Replay protection across nodes").
    /// </summary>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Subject prefix of the cluster's session notices (takeover, cut).</summary>
    public string NoticeSubjectPrefix { get; set; } = "m2m.cluster";

    /// <summary>How long a request to PostgreSQL or NATS may take before it counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a device may append nothing before this node drops its replay state from memory
    /// (its next append loads it again from its checkpoint and the stream: one KV read and one
    /// stream read). Longer than the fleet's usual message interval, so an active device's state
    /// stays loaded; short enough that a node holds the devices active on it, not every device it
    /// has ever seen (docs/scaling.md, "Sizing").
    /// </summary>
    public TimeSpan DeviceStateIdle { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A device's replay checkpoint is written after this many of its records (and when it goes
    /// idle, and when the node stops): a node loading the state reads at most this many records
    /// back from the stream, and the bucket takes one write per this many messages instead of one
    /// per message.
    /// </summary>
    public int CheckpointEvery { get; set; } = 16;

    /// <summary>True in Cluster mode.</summary>
    public bool Enabled => Mode == GatewayMode.Cluster;

    /// <summary>The NATS URLs, trimmed.</summary>
    public IReadOnlyList<string> NatsUrls =>
        (Nats ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Why the options cannot run a cluster node, or null when they can (checked at start).</summary>
    public string? Problem()
    {
        if (!Enabled)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(Postgres))
        {
            return $"{Section}:Postgres is required in Cluster mode (an Npgsql connection string).";
        }

        if (NatsUrls.Count == 0)
        {
            return $"{Section}:Nats is required in Cluster mode (comma-separated nats:// URLs).";
        }

        // It is one token of a NATS subject (session notices), so no dot, space or wildcard.
        if (string.IsNullOrEmpty(NodeId) || NodeId.Length > 64 || !NodeId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return $"{Section}:NodeId must be 1 to 64 of a-z A-Z 0-9 _ - (got '{NodeId}').";
        }

        if (PostgresPoolSize is < 4 or > 1000)
        {
            return $"{Section}:PostgresPoolSize must be 4 to 1000 (the relay's leases and the revocation listener hold some connections for good).";
        }

        if (Replicas is < 1 or > 5)
        {
            return $"{Section}:Replicas must be 1 to 5 (JetStream's limit); 3 is the one that survives a node loss.";
        }

        if (CheckpointEvery is < 1 or > 10_000)
        {
            return $"{Section}:CheckpointEvery must be 1 to 10000 records (got {CheckpointEvery}).";
        }

        if (DeviceStateIdle < TimeSpan.FromSeconds(1))
        {
            return $"{Section}:DeviceStateIdle must be at least 00:00:01 (got {DeviceStateIdle}).";
        }

        return null;
    }
}

namespace M2M.Gateway.Cluster.Relay;

/// <summary>Configuration section <c>Gateway:Cluster:Relay</c> (docs/sinks.md, "Cluster mode").</summary>
public sealed class ClusterRelayOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Gateway:Cluster:Relay";

    /// <summary>
    /// How often a node tries the leases it does not hold (so a dead node's sinks are taken over
    /// within about this long once PostgreSQL has freed its lease), and how often a holder checks
    /// that its lease connection still works (a holder cut from PostgreSQL stops within about this long).
    /// </summary>
    public TimeSpan LeaseInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the backlog (the stream's last sequence, every sink's saved position) is read again.</summary>
    public TimeSpan BacklogInterval { get; set; } = TimeSpan.FromSeconds(1);
}

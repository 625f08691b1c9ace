namespace M2M.Gateway.Relay;

/// <summary>
/// Who may deliver a sink (docs/sinks.md, "Cluster mode"): a sink is delivered by the one process
/// holding its lease, so records are relayed once however many gateways run. Embedded, this process
/// holds every lease (<see cref="LocalSinkLeases"/>); in Cluster mode a lease is a PostgreSQL advisory
/// lock (Cluster/PostgresSinkLeases), and every node keeps trying the ones it does not hold, so the
/// survivors take over a dead node's sinks.
/// </summary>
public interface ISinkLeases
{
    /// <summary>How long a node waits before trying again a lease another node holds.</summary>
    TimeSpan RetryInterval { get; }

    /// <summary>This process's name in the leases it takes (the node id), or null when there is one process.</summary>
    string? Node { get; }

    /// <summary>Takes the lease named <paramref name="name"/>, or returns null when another process holds it.</summary>
    Task<SinkLease?> TryAcquireAsync(string name, CancellationToken cancellationToken);

    /// <summary>The node that last took the lease <paramref name="name"/>, as this process last saw it, or null.</summary>
    string? HolderOf(string name);
}

/// <summary>
/// A held lease: deliver while <see cref="Lost"/> is not cancelled; disposing it gives it back.
/// </summary>
public abstract class SinkLease : IAsyncDisposable
{
    /// <summary>Cancelled once the lease can no longer be counted on (its connection failed): stop delivering at once.</summary>
    public abstract CancellationToken Lost { get; }

    public abstract ValueTask DisposeAsync();
}

/// <summary>One process, one holder: every lease is granted at once and never lost.</summary>
public sealed class LocalSinkLeases : ISinkLeases
{
    private static readonly Task<SinkLease?> Held = Task.FromResult<SinkLease?>(new NeverLost());

    public TimeSpan RetryInterval => Timeout.InfiniteTimeSpan;

    public string? Node => null;

    public Task<SinkLease?> TryAcquireAsync(string name, CancellationToken cancellationToken) => Held;

    public string? HolderOf(string name) => null;

    private sealed class NeverLost : SinkLease
    {
        public override CancellationToken Lost => CancellationToken.None;

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

using M2M.Gateway.Journal;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.Relay;

/// <summary>One sink as /health, /metrics and the admin API show it.</summary>
/// <param name="Name">The sink.</param>
/// <param name="State"><c>starting</c>, <c>delivering</c>, <c>retrying</c>, <c>failing</c>, <c>stuck</c>, or <c>standby</c> (Cluster mode: another node delivers it).</param>
/// <param name="Position">Every record up to here is delivered (or dead-lettered), durably at the destination.</param>
/// <param name="SavedPosition">The position last saved to the journal (where a restart resumes, at worst).</param>
/// <param name="Lag">Journal records it has not delivered yet.</param>
/// <param name="LagSeconds">Age of the oldest record it has not delivered (gateway time), 0 when caught up.</param>
/// <param name="DeadLetters">Its dead letters now.</param>
/// <param name="LastError">The kind of its last failure, if any (never a secret).</param>
/// <param name="Since">When it entered its state.</param>
/// <param name="Node">Cluster mode: the node delivering it (this one, or the lease holder this one last saw); null when embedded.</param>
public sealed record SinkReport(string Name, string State, long Position, long SavedPosition, long Lag, double LagSeconds, long DeadLetters, string? LastError, DateTimeOffset Since, string? Node = null)
{
    /// <summary>True when the sink is failing or stuck: /health is Degraded and <c>m2m_relay_sink_failing</c> is 1.</summary>
    public bool Failing => State is "retrying" or "failing" or "stuck";
}

/// <summary>The enabled sinks and their states (filled by the relay as it starts each sink).</summary>
public sealed class RelayStatus(IRelayJournal journal, IOptions<RelayOptions> options, TimeProvider time)
{
    private SinkStatus[] _sinks = [];

    /// <summary>The enabled sinks.</summary>
    public IReadOnlyList<SinkStatus> Sinks => Volatile.Read(ref _sinks);

    /// <summary>The enabled sink named <paramref name="name"/>, or null.</summary>
    public SinkStatus? Find(string name)
    {
        foreach (var sink in Volatile.Read(ref _sinks))
        {
            if (sink.Name == name)
            {
                return sink;
            }
        }

        return null;
    }

    /// <summary>Every enabled sink's report.</summary>
    public IReadOnlyList<SinkReport> Report() => [.. Sinks.Select(Report)];

    /// <summary>A sink's report.</summary>
    public SinkReport Report(SinkStatus sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var (state, error, since) = sink.Current;
        var position = sink.Progress?.Position ?? sink.SavedPosition;
        var name = state switch
        {
            SinkState.Retrying => "retrying",
            SinkState.Failing => "failing",
            SinkState.Standby => "standby",
            _ when sink.Busy > options.Value.StuckAfter => "stuck",
            SinkState.Starting => "starting",
            _ => "delivering",
        };
        var lag = Math.Max(0, journal.LastPosition - position);
        return new SinkReport(sink.Name, name, position, sink.SavedPosition, lag, lag == 0 ? 0 : AgeOfRecordAfter(position), sink.DeadLetters, error, since, sink.Node);
    }

    /// <summary>Seconds since the gateway accepted the record after <paramref name="position"/> (memory tail, else journal.db).</summary>
    private double AgeOfRecordAfter(long position)
    {
        var next = new List<CommittedRecord>(1);
        journal.ReadCommittedAfter(position, 1, next);
        return next.Count == 0 ? 0 : Math.Max(0, (time.GetUtcNow().ToUnixTimeMilliseconds() - next[0].Record.GatewayTime) / 1000.0);
    }

    internal SinkStatus Add(string name)
    {
        var sink = new SinkStatus(name, time);
        Volatile.Write(ref _sinks, [.. _sinks, sink]);
        return sink;
    }
}

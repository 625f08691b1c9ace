using M2M.Gateway.Cluster;
using M2M.Gateway.Journal;
using NATS.Client.JetStream;

namespace M2M.Gateway.Tests.Support;

/// <summary>
/// A record written into the journal stream as a Cluster-mode node writes it
/// (<see cref="JournalStreamRecord"/>: its device's subject, its payload, the rest in headers), but
/// without the node's compare-and-set: for tests that stand in for the write side, or for a node
/// that crashed after its write.
/// </summary>
public static class JournalStreamWrite
{
    /// <summary>Writes <paramref name="record"/> as node <paramref name="node"/>; returns its stream sequence once JetStream acknowledged it.</summary>
    public static async Task<long> WriteAsync(INatsJSContext jetStream, ClusterOptions options, JournalRecord record, string node)
    {
        ArgumentNullException.ThrowIfNull(jetStream);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(record);
        var ack = await jetStream.PublishAsync(JournalStreamRecord.Subject(options.JournalSubjectPrefix, record.DeviceId), record.Payload,
            headers: JournalStreamRecord.Headers(record, node)).ConfigureAwait(false);
        ack.EnsureSuccess();
        return (long)ack.Seq;
    }
}

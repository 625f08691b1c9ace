using System.Globalization;
using M2M.Gateway.Journal;
using NATS.Client.Core;

namespace M2M.Gateway.Cluster;

/// <summary>
/// How a journal record is one message of the cluster's journal stream (docs/scaling.md, "The
/// journal stream"): on subject <c>{prefix}.{device}</c>, the payload is the device's exact payload
/// bytes and everything else is in headers. The stream sequence is the record's journal position.
/// The writer adds <c>Nats-Msg-Id</c>: <see cref="ClusterJournal"/> names the record's place in the
/// device's sequence of records (<c>{device}/after/{sequence}</c>, docs/scaling.md "Replay
/// protection across nodes").
/// </summary>
public static class JournalStreamRecord
{
    public const string TenantHeader = "M2M-Tenant";
    public const string GenerationHeader = "M2M-Generation";
    public const string TopicHeader = "M2M-Topic";
    public const string EpochHeader = "M2M-Epoch";
    public const string SequenceHeader = "M2M-Seq";
    public const string DeviceTimeHeader = "M2M-Ts";
    public const string GatewayTimeHeader = "M2M-Gateway-Ts";
    public const string ContentTypeHeader = "M2M-Content-Type";
    public const string SignatureHeader = "M2M-Sig";
    public const string NodeHeader = "M2M-Node";

    /// <summary>JetStream's de-duplication header (ADR-31 / nats.io "Message Deduplication").</summary>
    public const string MessageIdHeader = "Nats-Msg-Id";

    /// <summary>The subject of <paramref name="deviceId"/>'s records (device ids are <c>[a-z0-9-]</c>, one subject token).</summary>
    public static string Subject(string prefix, string deviceId) => string.Concat(prefix, ".", deviceId);

    /// <summary>The device id of a record's subject.</summary>
    public static string DeviceOf(string prefix, string subject) => subject[(prefix.Length + 1)..];

    /// <summary>The headers of <paramref name="record"/> written by <paramref name="nodeId"/>, all but <see cref="MessageIdHeader"/>.</summary>
    public static NatsHeaders Headers(JournalRecord record, string nodeId)
    {
        ArgumentNullException.ThrowIfNull(record);
        var headers = new NatsHeaders
        {
            [TenantHeader] = record.Tenant,
            [GenerationHeader] = record.CredentialGeneration.ToString(CultureInfo.InvariantCulture),
            [TopicHeader] = record.Topic,
            [EpochHeader] = record.Epoch.ToString(CultureInfo.InvariantCulture),
            [SequenceHeader] = record.Sequence.ToString(CultureInfo.InvariantCulture),
            [DeviceTimeHeader] = record.DeviceTime.ToString(CultureInfo.InvariantCulture),
            [GatewayTimeHeader] = record.GatewayTime.ToString(CultureInfo.InvariantCulture),
            [SignatureHeader] = record.Signature,
            [NodeHeader] = nodeId,
        };
        if (record.ContentType != null)
        {
            headers[ContentTypeHeader] = record.ContentType;
        }

        return headers;
    }

    /// <summary>
    /// The record stored at stream sequence <paramref name="position"/>, or null when the message is
    /// not one (a header missing or malformed: written by something else on the subject).
    /// </summary>
    public static JournalRecord? Read(string prefix, string subject, long position, NatsHeaders? headers, byte[]? payload)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (headers == null || !subject.StartsWith(prefix + ".", StringComparison.Ordinal)
            || !TryText(headers, TenantHeader, out var tenant) || !TryText(headers, TopicHeader, out var topic)
            || !TryText(headers, SignatureHeader, out var signature)
            || !TryLong(headers, GenerationHeader, out var generation) || !TryLong(headers, DeviceTimeHeader, out var deviceTime)
            || !TryLong(headers, GatewayTimeHeader, out var gatewayTime)
            || !TryText(headers, EpochHeader, out var epochText) || !uint.TryParse(epochText, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)
            || !TryText(headers, SequenceHeader, out var sequenceText) || !uint.TryParse(sequenceText, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            return null;
        }

        var contentType = TryText(headers, ContentTypeHeader, out var type) ? type : null;
        return new JournalRecord(position, DeviceOf(prefix, subject), tenant, generation, topic, epoch, sequence, deviceTime, gatewayTime, contentType, payload ?? [], signature);
    }

    private static bool TryText(NatsHeaders headers, string name, out string value)
    {
        value = headers.TryGetValue(name, out var values) && values.Count == 1 ? values[0] ?? string.Empty : string.Empty;
        return values.Count == 1;
    }

    private static bool TryLong(NatsHeaders headers, string name, out long value)
    {
        value = 0;
        return TryText(headers, name, out var text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }
}

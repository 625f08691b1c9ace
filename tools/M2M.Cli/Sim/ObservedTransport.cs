using System.Collections.Concurrent;
using System.Globalization;
using M2M.Device.Core.Platform;

namespace M2M.Cli.Sim;

/// <summary>
/// Counts what the device core's transport reports, by reason code, without changing it: connect
/// refusals, PUBACK refusals (docs/protocol.md section 9) and closed connections, for the summary.
/// </summary>
public sealed class ObservedTransport(IMqttTransport inner, SimCounters counters) : IMqttTransport, IMqttTransportListener
{
    private IMqttTransportListener? _listener;

    public void SetListener(IMqttTransportListener listener)
    {
        _listener = listener;
        inner.SetListener(this);
    }

    public int Connect(string clientId, string userName, string password, int keepAliveSeconds)
    {
        var code = inner.Connect(clientId, userName, password, keepAliveSeconds);
        if (MqttCodes.IsFailure(code))
        {
            counters.Count("connect refused", code);
        }

        return code;
    }

    public ushort Publish(string topic, byte[] payload, string? contentType, string[]? propertyNames, string[]? propertyValues)
    {
        var packetId = inner.Publish(topic, payload, contentType, propertyNames, propertyValues);
        counters.Published();
        return packetId;
    }

    public bool Subscribe(string topic) => inner.Subscribe(topic);

    public void Disconnect() => inner.Disconnect();

    public void OnMessageReceived(string topic, byte[] payload) => _listener?.OnMessageReceived(topic, payload);

    public void OnPublishAcknowledged(ushort packetId, int reasonCode)
    {
        if (MqttCodes.IsFailure(reasonCode))
        {
            counters.Count("publish refused", reasonCode);
        }

        _listener?.OnPublishAcknowledged(packetId, reasonCode);
    }

    public void OnConnectionClosed(int reasonCode)
    {
        counters.Count("connection closed", reasonCode);
        _listener?.OnConnectionClosed(reasonCode);
    }
}

/// <summary>Fleet-wide counters of the simulation, safe to update from every device's thread.</summary>
public sealed class SimCounters
{
    private long _published;

    public ConcurrentDictionary<string, long> ByReason { get; } = new(StringComparer.Ordinal);

    public long PublishedCount => Interlocked.Read(ref _published);

    public void Published() => Interlocked.Increment(ref _published);

    public void Count(string what, int reasonCode) =>
        ByReason.AddOrUpdate($"{what} 0x{reasonCode.ToString("X2", CultureInfo.InvariantCulture)}", 1, (_, n) => n + 1);
}

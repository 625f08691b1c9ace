using M2M.Device.Core.App;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Platform;
using M2M.Device.Core.Storage;
using M2M.Device.Core.Time;
using M2M.Device.Core.Tokens;

namespace M2M.Cli.Sim;

/// <summary>The host's connections, with each MQTT transport wrapped in an <see cref="ObservedTransport"/> for the summary.</summary>
public sealed class ObservedConnections(IDeviceConnections inner, SimCounters counters) : IDeviceConnections
{
    public ITokenSource CreateTokenSource(DeviceCredential credential, DeviceKeys keys, DeviceClock clock) => inner.CreateTokenSource(credential, keys, clock);

    public IMqttTransport CreateMqttTransport(DeviceCredential credential, DeviceConfig config) => new ObservedTransport(inner.CreateMqttTransport(credential, config), counters);
}

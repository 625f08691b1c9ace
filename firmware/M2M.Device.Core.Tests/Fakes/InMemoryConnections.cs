using System;
using M2M.Device.Core.App;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Platform;
using M2M.Device.Core.Storage;
using M2M.Device.Core.Time;
using M2M.Device.Core.Tokens;

namespace M2M.Device.Core.Tests.Fakes
{
    /// <summary>Hands the application the in-memory transport and the fake token source, and records what it was asked for.</summary>
    public sealed class InMemoryConnections : IDeviceConnections
    {
        public InMemoryConnections(FakeClock clock)
        {
            Tokens = new FakeTokenSource(clock, 3600000);
            Transport = new InMemoryMqttTransport();
        }

        public FakeTokenSource Tokens { get; private set; }

        public InMemoryMqttTransport Transport { get; private set; }

        /// <summary>When true, creating the transport throws, as a platform adapter does on a CA certificate it cannot parse.</summary>
        public bool FailTransport { get; set; }

        /// <summary>The credential the transport was created for.</summary>
        public DeviceCredential? Credential { get; private set; }

        public ITokenSource CreateTokenSource(DeviceCredential credential, DeviceKeys keys, DeviceClock clock)
        {
            return Tokens;
        }

        public IMqttTransport CreateMqttTransport(DeviceCredential credential, DeviceConfig config)
        {
            Credential = credential;
            if (FailTransport)
            {
                throw new ArgumentException("bad CA certificate");
            }

            return Transport;
        }
    }
}

using M2M.Device.Core.Platform;
using M2M.Device.Core.Storage;

namespace M2M.Device.Core.App
{
    /// <summary>Everything platform-specific the application is composed from; Program.cs fills it in.</summary>
    public sealed class DevicePlatform
    {
        public DevicePlatform(IFileStore files, IClock clock, IRandom random, IHmacSha256 hmac, INetworkLink link, ITimeSync? timeSync, IDeviceStatus status, IDeviceConnections connections)
        {
            Files = files;
            Clock = clock;
            Random = random;
            Hmac = hmac;
            Link = link;
            TimeSync = timeSync;
            Status = status;
            Connections = connections;
        }

        /// <summary>
        /// Where the device secret is kept, when not in the credential file: a hardware backend (HMAC
        /// peripheral, secure element; hardware.md, "Protecting the credential at rest"). Null (the
        /// default) derives the keys from the S of the credential file.
        /// </summary>
        public IDeviceSecretStore? SecretStore { get; set; }

        /// <summary>The internal drive (credential, boot epoch, configuration).</summary>
        public IFileStore Files { get; private set; }

        /// <summary>Uptime and wall clock.</summary>
        public IClock Clock { get; private set; }

        /// <summary>Random bytes (jti, jitter).</summary>
        public IRandom Random { get; private set; }

        /// <summary>HMAC-SHA256.</summary>
        public IHmacSha256 Hmac { get; private set; }

        /// <summary>The network link (Wi-Fi).</summary>
        public INetworkLink Link { get; private set; }

        /// <summary>SNTP, or null when the platform has none (the token client's Date header then sets the time).</summary>
        public ITimeSync? TimeSync { get; private set; }

        /// <summary>Free memory and signal strength for the default telemetry.</summary>
        public IDeviceStatus Status { get; private set; }

        /// <summary>The token client and MQTT transport factory.</summary>
        public IDeviceConnections Connections { get; private set; }

        /// <summary>Restarts the device for the <c>reboot</c> command; null where the platform cannot (the command then answers <c>failed</c>).</summary>
        public IDeviceRestart? Restart { get; set; }
    }
}

using M2M.Device.Core.Host.Platform;
using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Tests
{
    /// <summary>The host's stand-in for firmware/M2M.Device.Core.Tests/TestPlatform.cs: the host adapters.</summary>
    public static class TestPlatform
    {
        /// <summary>The platform's HMAC-SHA256.</summary>
        public static readonly IHmacSha256 Hmac = new HostHmacSha256();

        /// <summary>The platform's JSON parser.</summary>
        public static readonly IJsonParser Json = new HostJsonParser();
    }
}

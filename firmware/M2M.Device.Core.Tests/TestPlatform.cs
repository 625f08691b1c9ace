using M2M.Device.Core.Platform;
using M2M.Device.Esp32.Platform;

namespace M2M.Device.Core.Tests
{
    /// <summary>
    /// The platform the device tests run on: the nanoFramework adapters on a board. The host test
    /// run replaces this one file with tests/M2M.Device.Core.Tests.Host/HostTestPlatform.cs.
    /// </summary>
    public static class TestPlatform
    {
        /// <summary>The platform's HMAC-SHA256.</summary>
        public static readonly IHmacSha256 Hmac = new NanoHmacSha256();

        /// <summary>The platform's JSON parser.</summary>
        public static readonly IJsonParser Json = new NanoJsonParser();
    }
}

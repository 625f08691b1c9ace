using System.Text;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Platform;
using M2M.Device.Core.Storage;
using M2M.Device.Core.Time;
using M2M.Device.Core.Tokens;

namespace M2M.Device.Core.Tests.Fakes
{
    /// <summary>A token client over a manual clock, scripted randomness and a scripted HTTP transport.</summary>
    public sealed class TokenTestBench
    {
        /// <summary>2026-01-01T00:00:00Z, the time of the protocol's assertion vector.</summary>
        public const long Start = 1767225600000;

        /// <summary>That time as an HTTP-date.</summary>
        public const string StartDate = "Thu, 01 Jan 2026 00:00:00 GMT";

        public const string TokenJson = "{\"access_token\":\"eyJhbGciOiJFUzI1NiJ9.e30.sig\",\"token_type\":\"Bearer\",\"expires_in\":3600}";

        public TokenTestBench(long wallClock, TokenAuthMethod method)
        {
            Platform = new ManualClock(wallClock);
            Clock = new DeviceClock(Platform);
            Random = new ScriptedRandom();
            Http = new ScriptedHttpTransport();
            Policy = new TokenPolicy();
            Credential = TestCredentials.Create(0);
            Credential.AuthMethod = method;
            Keys = DeviceKeys.Derive(Credential.Secret, TestPlatform.Hmac);
            Client = new TokenClient(Credential, Keys, TestPlatform.Hmac, Random, Clock, Http, TestPlatform.Json, Policy);
        }

        public ManualClock Platform { get; private set; }

        public DeviceClock Clock { get; private set; }

        public ScriptedRandom Random { get; private set; }

        public ScriptedHttpTransport Http { get; private set; }

        public TokenPolicy Policy { get; private set; }

        public DeviceCredential Credential { get; private set; }

        public DeviceKeys Keys { get; private set; }

        public TokenClient Client { get; private set; }

        /// <summary>An RFC 6749 section 5.2 error answer.</summary>
        public static HttpResult Error(int status, string error, string? date, string? retryAfter)
        {
            return new HttpResult(status, "{\"error\":\"" + error + "\",\"error_description\":\"refused\"}", date, retryAfter);
        }

        /// <summary>The value of a form parameter (not decoded), or null.</summary>
        public static string? FormValue(string body, string name)
        {
            var pairs = body.Split('&');
            for (var i = 0; i < pairs.Length; i++)
            {
                if (pairs[i].StartsWith(name + "="))
                {
                    return pairs[i].Substring(name.Length + 1);
                }
            }

            return null;
        }

        /// <summary>The decoded claims JSON of a compact JWT.</summary>
        public static string Claims(string jwt)
        {
            var parts = jwt.Split('.');
            var bytes = Base64Url.Decode(parts[1])!;
            return Encoding.UTF8.GetString(bytes, 0, bytes.Length);
        }

        /// <summary>Whether the JWT's HS256 signature verifies under <paramref name="key"/>.</summary>
        public static bool SignedWith(string jwt, byte[] key)
        {
            var dot = jwt.LastIndexOf('.');
            var mac = TestPlatform.Hmac.Compute(key, Encoding.UTF8.GetBytes(jwt.Substring(0, dot)));
            return Base64Url.Encode(mac) == jwt.Substring(dot + 1);
        }
    }
}

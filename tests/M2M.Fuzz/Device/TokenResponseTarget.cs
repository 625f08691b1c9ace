using System.Text;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Host.Platform;
using M2M.Device.Core.Platform;
using M2M.Device.Core.Storage;
using M2M.Device.Core.Time;
using M2M.Device.Core.Tokens;

namespace M2M.Fuzz.Device;

/// <summary>
/// A token endpoint's answer as <see cref="TokenClient.RefreshIfDue"/> reads it (docs/protocol.md
/// sections 3.3 and 3.4, RFC 6749 sections 5.1 and 5.2): byte 0 chooses the HTTP status, the text
/// after it is the Date header, a line feed, the Retry-After header, a line feed, and the JSON body.
/// Checks that the client ends in a defined state: a non-empty token when valid, a reason when not,
/// and never a next attempt sooner than now or later than its caps allow.
/// </summary>
public sealed class TokenResponseTarget : FuzzTarget
{
    private static readonly int[] Statuses = [200, 400, 401, 403, 429, 500, 503, 0];
    private static readonly HashSet<string> ReasonSet = [.. Enum.GetNames<TokenState>()];
    private static readonly byte[] Secret = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    public override string Name => "token-response";

    public override string Side => "device";

    public override IReadOnlySet<string> Reasons => ReasonSet;

    public override string Run(byte[] input)
    {
        var status = input.Length == 0 ? 200 : Statuses[input[0] % Statuses.Length];
        var text = input.Length == 0 ? string.Empty : Encoding.UTF8.GetString(input, 1, input.Length - 1);
        var parts = text.Split('\n', 3);
        var response = status == 0
            ? HttpResult.NoResponse("network")
            : new HttpResult(status, parts.Length > 2 ? parts[2] : string.Empty, parts[0].Length == 0 ? null : parts[0], parts.Length > 1 && parts[1].Length > 0 ? parts[1] : null);

        var clock = new FixedClock();
        var hmac = new HostHmacSha256();
        var credential = new DeviceCredential("sensor-0001", (byte[])Secret.Clone(), "https://127.0.0.1:8443/oauth2/token", "127.0.0.1", 8883);
        var policy = new TokenPolicy();
        var client = new TokenClient(credential, DeviceKeys.Derive(credential.Secret, hmac), hmac, new FixedRandom(), new DeviceClock(clock), new OneAnswer(response), new HostJsonParser(), policy);
        client.RefreshIfDue();

        var state = client.State;
        var now = clock.UptimeMilliseconds;
        if (state == TokenState.Valid)
        {
            Expect(!string.IsNullOrEmpty(client.AccessToken) && client.ExpiresAtUptime > now && client.NextRefreshUptime <= client.ExpiresAtUptime, "a valid state without a usable token");
        }
        else
        {
            Expect(!string.IsNullOrEmpty(client.LastError) && client.AccessToken == null, "a failure without a reason, or with a token");
            var longest = Math.Max(policy.RefusedRetry + policy.RefusedRetry, Math.Max(policy.BackoffCap, policy.RetryAfterCap));
            Expect(client.NextRefreshUptime > now && client.NextRefreshUptime <= now + longest, $"the next attempt {client.NextRefreshUptime - now} ms from now");
        }

        return state.ToString();
    }

    private static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new FuzzInvariantException("token-response: " + what);
        }
    }

    private sealed class FixedClock : IClock
    {
        public long UptimeMilliseconds => 60_000;

        public long UnixTimeMilliseconds => 1_780_000_000_000;
    }

    private sealed class FixedRandom : IRandom
    {
        public void NextBytes(byte[] buffer) => Array.Fill(buffer, (byte)0x5A);

        public int NextInt(int maxExclusive) => maxExclusive / 2;
    }

    private sealed class OneAnswer(HttpResult response) : IHttpTransport
    {
        public HttpResult PostForm(string url, string formBody, string? authorization) => response;
    }
}

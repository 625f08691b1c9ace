using System.Net;
using M2M.Gateway.Tests.Support;
using M2M.Testing;
using Microsoft.Extensions.Time.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// The client assertion of docs/protocol.md section 10, built by a device from the vector secret,
/// gets a token from the gateway's endpoint at the vector's time: key derivation, HS256, the claims
/// and their order-independence agree with the spec. Once only: its jti is then spent.
/// </summary>
public class ProtocolAssertionVectorIsAcceptedTests
{
    [Fact]
    public async Task VectorAssertionGetsATokenOnceAtItsTime()
    {
        var vector = ProtocolDocument.TestVectors;
        var assertion = vector.GetProperty("assertion");
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(assertion.GetProperty("iat").GetInt64() + 10));
        var registry = new InMemoryDeviceRegistry();
        registry.Add(vector.GetProperty("device_id").GetString()!, Convert.FromHexString(vector.GetProperty("secret_hex").GetString()!));
        await using var gateway = await TokenGateway.StartAsync(time, null, registry, "--Gateway:Issuer", "https://gateway.example");
        using var client = gateway.Client();
        var jwt = assertion.GetProperty("jwt").GetString()!;

        using var first = await TokenGateway.RequestTokenAsync(client, [.. TokenGateway.Form(jwt), ("client_id", "sensor-0001")]);
        using var second = await TokenGateway.RequestTokenAsync(client, TokenGateway.Form(jwt));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Contains(gateway.Audit.Events, e => e.Outcome == "jti_reused" && e.DeviceId == "sensor-0001");
    }
}

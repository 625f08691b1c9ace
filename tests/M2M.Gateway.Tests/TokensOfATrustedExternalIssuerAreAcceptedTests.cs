using System.Security.Cryptography;
using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using MQTTnet;

namespace M2M.Gateway.Tests;

/// <summary>
/// A trusted external issuer (Gateway:TrustedIssuers; docs/tokens.md): its tokens are validated with
/// the JWKS its discovery metadata names, fetched over HTTP from a loopback identity provider; after
/// the provider rotates its key, a token with the unknown kid makes the gateway fetch the JWKS again
/// (at most once per RefreshInterval);
/// the algorithm allow-list, audience and issuer still hold; and such a token opens an MQTT session.
/// </summary>
public class TokensOfATrustedExternalIssuerAreAcceptedTests
{
    [Fact]
    public async Task ExternalTokensValidateAcrossAKeyRotation()
    {
        await using var idp = await OidcIssuerStub.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var gateway = await TokenGateway.StartAsync(time, null, null,
            [.. idp.TrustedIssuerArguments(), "--Gateway:TrustedIssuers:0:RefreshInterval", "00:05:00"]);
        await gateway.Registry.AddAsync("sensor-0001", "acme", [], default);
        var validator = gateway.Service<IAccessTokenValidator>();

        var first = await validator.ValidateAccessTokenAsync(idp.Issue(Claims(), now: time.GetUtcNow()), default);
        Assert.True(first.Succeeded, first.Reason);
        Assert.Equal("sensor-0001", first.DeviceId);
        Assert.Equal("acme", first.Tenant);
        Assert.Equal(["telemetry"], first.Roles);
        var fetches = idp.JwksFetches;

        // Unknown kids cause at most one fetch per RefreshInterval (forged kids cost little)...
        idp.Rotate("key-2");
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("unknown_key", (await validator.ValidateAccessTokenAsync(idp.Issue(Claims(), now: time.GetUtcNow()), default)).Reason);
        Assert.Equal(fetches, idp.JwksFetches);

        // ...and once it has passed, the new key is fetched before the token is judged.
        time.Advance(TimeSpan.FromMinutes(4));
        var afterRotation = await validator.ValidateAccessTokenAsync(idp.Issue(Claims(), now: time.GetUtcNow()), default);
        Assert.True(afterRotation.Succeeded, afterRotation.Reason);
        Assert.Equal(fetches + 1, idp.JwksFetches);

        Assert.Equal("wrong_audience", (await validator.ValidateAccessTokenAsync(idp.Issue(Claims("someone-else"), now: time.GetUtcNow()), default)).Reason);
        Assert.Equal("unsupported_alg", (await validator.ValidateAccessTokenAsync(idp.Issue(Claims(), new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)), SecurityAlgorithms.HmacSha256, time.GetUtcNow()), default)).Reason);
        using var strangerKey = RSA.Create(2048);
        var stranger = new RsaSecurityKey(strangerKey) { KeyId = "key-2" };
        Assert.Equal("bad_signature", (await validator.ValidateAccessTokenAsync(idp.Issue(Claims(), stranger, now: time.GetUtcNow()), default)).Reason);

        // The ingress takes it as the MQTT password (docs/protocol.md section 5.1).
        using var mqtt = new MqttClientFactory().CreateMqttClient();
        var connect = await mqtt.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", gateway.MqttPort)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithClientId("sensor-0001")
            .WithCredentials("sensor-0001", idp.Issue(Claims(), now: time.GetUtcNow())).WithCleanStart(true).Build());
        Assert.Equal(MqttClientConnectResultCode.Success, connect.ResultCode);
        await mqtt.DisconnectAsync();
    }

    private static Dictionary<string, object> Claims(string audience = "m2m-gateway") => new()
    {
        ["aud"] = audience,
        ["sub"] = "5b7f0c9e-service-account",
        ["azp"] = "sensor-0001",
        ["tenant"] = "acme",
        ["roles"] = new[] { "telemetry" },
    };
}

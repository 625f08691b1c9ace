using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using M2M.Gateway.Registry;
using M2M.Gateway.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace M2M.Gateway.Tests;

/// <summary>
/// Issue #4, "done when", against the gateway as an operator runs it (its own process, its Program.cs
/// composition): a device added through the admin API gets a token with an assertion built from the
/// secret it was given, the token validates against the published JWKS, and a forged assertion is
/// refused and lands in audit.jsonl without the assertion.
/// </summary>
public class ADeviceAddedByTheOperatorGetsATokenThatValidatesTests
{
    private static readonly string[] Roles = ["reader"];

    [Fact]
    public async Task AddedDeviceGetsAValidTokenAndAForgeryIsAudited()
    {
        await using var gateway = await AdminGateway.StartAsync();
        using var added = await gateway.Client.PostAsJsonAsync(new Uri("/admin/v1/devices", UriKind.Relative), new { id = "sensor-0001", tenant = "acme", roles = Roles });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var secret = Base64Url.DecodeFromChars(JsonDocument.Parse(await added.Content.ReadAsStringAsync()).RootElement.GetProperty("secret").GetString()!);
        using var device = new HttpClient { BaseAddress = gateway.Process.BaseAddress };
        var metadata = await TokenGateway.MetadataAsync(device);
        var endpoint = metadata.GetProperty("token_endpoint").GetString()!;

        var claims = TestAssertion.Claims("sensor-0001", endpoint, DateTimeOffset.UtcNow);
        using var response = await TokenGateway.RequestTokenAsync(device, TokenGateway.Form(TestAssertion.Sign(DeviceKeyDerivation.DeriveAuthKey(secret), claims)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;
        var jwks = new JsonWebKeySet(await device.GetStringAsync(new Uri(metadata.GetProperty("jwks_uri").GetString()!)));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = metadata.GetProperty("issuer").GetString(),
            ValidAudience = "urn:m2m:gateway",
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidAlgorithms = ["ES256"],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal("sensor-0001", ((JsonWebToken)result.SecurityToken).Subject);

        var forged = TestAssertion.Sign(secret, TestAssertion.Claims("sensor-0001", endpoint, DateTimeOffset.UtcNow));
        using var refused = await TokenGateway.RequestTokenAsync(device, TokenGateway.Form(forged));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var audit = await File.ReadAllTextAsync(Path.Combine(gateway.DataDirectory, "audit.jsonl"));
        Assert.Contains(gateway.AuditLines(), l => l.GetProperty("action").GetString() == "token.refused" && l.GetProperty("outcome").GetString() == "bad_signature");
        Assert.DoesNotContain(forged.Split('.')[2], audit, StringComparison.Ordinal);
        Assert.DoesNotContain(token, gateway.Process.Output, StringComparison.Ordinal);
    }
}

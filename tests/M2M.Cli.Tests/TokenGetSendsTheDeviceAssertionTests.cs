using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using M2M.Cli.Tests.Support;
using M2M.Gateway.Registry;
using M2M.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace M2M.Cli.Tests;

/// <summary>
/// <c>m2m token get</c> posts the request of docs/protocol.md section 3.1 with an assertion of
/// section 3.2. The gateway's token endpoint is written in parallel, so the request is checked by a
/// loopback stub that verifies the assertion under K_auth derived by the gateway's own code.
/// </summary>
public sealed class TokenGetSendsTheDeviceAssertionTests
{
    private static readonly byte[] Secret = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public async Task TheRequestIsAClientCredentialsGrantWithAValidAssertionAndTheResponseIsPrinted()
    {
        await using var stub = await TokenEndpointStub.StartAsync(StatusCodes.Status200OK, """{"access_token":"header.eyJzdWIiOiJzZW5zb3ItMDAwMSJ9.sig","token_type":"Bearer","expires_in":3600}""");

        var result = await M2mProcess.RunAsync("token", "get", "--device-id", "sensor-0001", "--secret", Base64Url.EncodeToString(Secret), "--token-endpoint", stub.Endpoint, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var response = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal("Bearer", response.GetProperty("token_type").GetString());
        Assert.Equal(3600, response.GetProperty("expires_in").GetInt32());

        var form = Assert.Single(stub.Requests);
        Assert.Equal("application/x-www-form-urlencoded", form.ContentType);
        Assert.Equal("client_credentials", form.Fields["grant_type"]);
        Assert.Equal("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", form.Fields["client_assertion_type"]);
        Assert.Equal("sensor-0001", form.Fields["client_id"]);
        AssertValidAssertion(form.Fields["client_assertion"], "sensor-0001", stub.Endpoint);
        Assert.DoesNotContain(Base64Url.EncodeToString(Secret), result.Output + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheHumanOutputShowsTheResponseAndTheTokenClaims()
    {
        await using var stub = await TokenEndpointStub.StartAsync(StatusCodes.Status200OK, """{"access_token":"eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJzZW5zb3ItMDAwMSIsInRlbmFudCI6ImFjbWUifQ.c2ln","token_type":"Bearer","expires_in":3600}""");

        var result = await M2mProcess.RunAsync("token", "get", "--device-id", "sensor-0001", "--secret", Base64Url.EncodeToString(Secret), "--token-endpoint", stub.Endpoint);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("expires_in", result.Output, StringComparison.Ordinal);
        Assert.Contains("claim tenant", result.Output, StringComparison.Ordinal);
        Assert.Contains("acme", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOAuthErrorIsExit8WithTheErrorCode()
    {
        await using var stub = await TokenEndpointStub.StartAsync(StatusCodes.Status401Unauthorized, """{"error":"invalid_client","error_description":"client authentication failed"}""");

        var result = await M2mProcess.RunAsync("token", "get", "--device-id", "sensor-0001", "--secret", Base64Url.EncodeToString(Secret), "--token-endpoint", stub.Endpoint);

        Assert.Equal(8, result.ExitCode);
        Assert.Equal("m2m: token request refused (401): invalid_client: client authentication failed", result.Error.Trim());
        Assert.Empty(result.Output);
    }

    [Theory]
    [InlineData("too-short")]
    [InlineData("")]
    [InlineData("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")]
    public async Task ASecretThatIsNot32BytesIsAUsageError(string secret)
    {
        var result = await M2mProcess.RunAsync("token", "get", "--device-id", "sensor-0001", "--secret", secret, "--token-endpoint", "http://127.0.0.1:9/oauth2/token");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--secret", result.Error, StringComparison.Ordinal);
    }

    // docs/protocol.md section 3.2, checked with the gateway's key derivation rather than the device core's.
    private static void AssertValidAssertion(string assertion, string deviceId, string audience)
    {
        var parts = assertion.Split('.');
        Assert.Equal(3, parts.Length);
        var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0])).RootElement;
        Assert.Equal("HS256", header.GetProperty("alg").GetString());
        var expected = HMACSHA256.HashData(DeviceKeyDerivation.DeriveAuthKey(Secret), Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        Assert.True(CryptographicOperations.FixedTimeEquals(expected, Base64Url.DecodeFromChars(parts[2])), "the assertion's HS256 signature does not verify under K_auth");
        var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).RootElement;
        Assert.Equal(deviceId, claims.GetProperty("iss").GetString());
        Assert.Equal(deviceId, claims.GetProperty("sub").GetString());
        Assert.Equal(audience, claims.GetProperty("aud").GetString());
        Assert.InRange(claims.GetProperty("jti").GetString()!.Length, 1, 128);
        var lifetime = claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64();
        Assert.InRange(lifetime, 1, 300);
    }

    /// <summary>What the stub received.</summary>
    private sealed record TokenRequest(string? ContentType, Dictionary<string, string> Fields);

    /// <summary>A token endpoint on loopback that records each request and answers with a fixed response.</summary>
    private sealed class TokenEndpointStub : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private TokenEndpointStub(WebApplication app, string endpoint)
        {
            _app = app;
            Endpoint = endpoint;
        }

        public string Endpoint { get; }

        public List<TokenRequest> Requests { get; } = [];

        public static async Task<TokenEndpointStub> StartAsync(int status, string body)
        {
            var url = $"http://127.0.0.1:{LoopbackPort.Free().ToString(CultureInfo.InvariantCulture)}";
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls(url);
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var stub = new TokenEndpointStub(app, url + "/oauth2/token");
            app.MapPost("/oauth2/token", async (HttpContext context) =>
            {
                var form = await context.Request.ReadFormAsync();
                lock (stub.Requests)
                {
                    stub.Requests.Add(new TokenRequest(context.Request.ContentType?.Split(';')[0], form.ToDictionary(f => f.Key, f => f.Value.ToString())));
                }

                context.Response.StatusCode = status;
                context.Response.Headers.CacheControl = "no-store";
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(body);
            });
            await app.StartAsync();
            return stub;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

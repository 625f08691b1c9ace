using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using M2M.Cli.Tests.Support;

namespace M2M.Cli.Tests;

/// <summary>
/// <c>m2m client ...</c> against the real gateway over loopback (docs/cli.md, "Client commands"): a
/// service client is created with its secret printed once, the secret gets a token at the token
/// endpoint (client_secret_basic), list and show never print it, rotate prints a new one once and
/// refuses the old one, revoke ends it; <c>--json</c> is the gateway's JSON.
/// </summary>
public sealed class ClientCommandsManageServiceClientsTests(CliGatewayFixture fixture) : IClassFixture<CliGatewayFixture>
{
    [Fact]
    public async Task AClientIsCreatedItsSecretGetsATokenAndItIsRotatedAndRevoked()
    {
        var created = await fixture.RunAsync("--json", "client", "create", "cli-exporter", "--role", "telemetry-reader", "--tenant", "acme");
        Assert.True(created.ExitCode == 0, created.ToString());
        var client = JsonDocument.Parse(created.Output).RootElement;
        var secret = client.GetProperty("secret").GetString()!;
        Assert.Equal("cli-exporter", client.GetProperty("id").GetString());
        Assert.Equal("acme", client.GetProperty("tenant").GetString());
        Assert.Equal(HttpStatusCode.OK, await TokenStatusAsync(secret));

        var table = await fixture.RunAsync("client", "list");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("cli-exporter", table.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, table.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, (await fixture.RunAsync("client", "show", "cli-exporter")).Output, StringComparison.Ordinal);

        var rotated = await fixture.RunAsync("client", "rotate", "cli-exporter");
        Assert.True(rotated.ExitCode == 0, rotated.ToString());
        Assert.Contains("Client secret, shown only this once", rotated.Output, StringComparison.Ordinal);
        var newSecret = System.Text.RegularExpressions.Regex.Match(rotated.Output, "m2m_secret_[A-Za-z0-9_-]{43}").Value;
        Assert.Equal(HttpStatusCode.Unauthorized, await TokenStatusAsync(secret));
        Assert.Equal(HttpStatusCode.OK, await TokenStatusAsync(newSecret));

        var revoked = await fixture.RunAsync("--json", "client", "revoke", "cli-exporter");
        Assert.Equal("revoked", JsonDocument.Parse(revoked.Output).RootElement.GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, await TokenStatusAsync(newSecret));
        Assert.Equal(4, (await fixture.RunAsync("client", "show", "nobody-here")).ExitCode);
    }

    private async Task<HttpStatusCode> TokenStatusAsync(string secret)
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.Url) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/oauth2/token", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("cli-exporter:" + secret)));
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}

using System.Text.Json;
using M2M.Cli.Tests.Support;

namespace M2M.Cli.Tests;

/// <summary>
/// Issue #4, "done when", from the operator's shell: <c>m2m device add</c> on the real gateway, then
/// <c>m2m token get</c> with the secret it printed gets an access token from the real token endpoint;
/// after <c>m2m device disable</c> the same request is refused with invalid_client (exit 8).
/// </summary>
public sealed class DeviceAddedWithTheCliGetsATokenFromTheGatewayTests(CliGatewayFixture fixture) : IClassFixture<CliGatewayFixture>
{
    [Fact]
    public async Task TheSecretFromAddGetsATokenUntilTheDeviceIsDisabled()
    {
        var added = await fixture.RunAsync("device", "add", "cli-token-0001", "--tenant", "acme", "--role", "reader", "--json");
        Assert.True(added.ExitCode == 0, added.ToString());
        var secret = JsonDocument.Parse(added.Output).RootElement.GetProperty("secret").GetString()!;

        var token = await fixture.RunAsync("token", "get", "--device-id", "cli-token-0001", "--secret", secret, "--json");

        Assert.True(token.ExitCode == 0, token.ToString());
        var response = JsonDocument.Parse(token.Output).RootElement;
        Assert.Equal("Bearer", response.GetProperty("token_type").GetString());
        Assert.True(response.GetProperty("expires_in").GetInt32() > 0);
        Assert.Equal(3, response.GetProperty("access_token").GetString()!.Split('.').Length);

        Assert.Equal(0, (await fixture.RunAsync("device", "disable", "cli-token-0001")).ExitCode);
        var refused = await fixture.RunAsync("token", "get", "--device-id", "cli-token-0001", "--secret", secret);
        Assert.Equal(8, refused.ExitCode);
        Assert.Contains("invalid_client", refused.Error, StringComparison.Ordinal);
    }
}

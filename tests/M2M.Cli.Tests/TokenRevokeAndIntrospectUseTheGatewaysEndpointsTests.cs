using System.Text.Json;
using M2M.Cli.Tests.Support;

namespace M2M.Cli.Tests;

/// <summary>
/// Issue 15 item 7 from the operator's shell, on the real gateway: <c>m2m token introspect</c> shows
/// a token the device got as active with its claims, <c>m2m token revoke</c> revokes it (RFC 7009),
/// after which introspection says <c>active false</c>; a key whose role does not allow it exits 14.
/// </summary>
public sealed class TokenRevokeAndIntrospectUseTheGatewaysEndpointsTests(CliGatewayFixture fixture) : IClassFixture<CliGatewayFixture>
{
    [Fact]
    public async Task ATokenIsActiveUntilRevokedAndAViewerMayDoNeither()
    {
        var added = await fixture.RunAsync("device", "add", "cli-revoke-0001", "--tenant", "acme", "--json");
        Assert.True(added.ExitCode == 0, added.ToString());
        var secret = JsonDocument.Parse(added.Output).RootElement.GetProperty("secret").GetString()!;
        var got = await fixture.RunAsync("token", "get", "--device-id", "cli-revoke-0001", "--secret", secret, "--json");
        Assert.True(got.ExitCode == 0, got.ToString());
        var token = JsonDocument.Parse(got.Output).RootElement.GetProperty("access_token").GetString()!;

        var active = await fixture.RunAsync("token", "introspect", token, "--json");
        Assert.True(active.ExitCode == 0, active.ToString());
        var answer = JsonDocument.Parse(active.Output).RootElement;
        Assert.True(answer.GetProperty("active").GetBoolean());
        Assert.Equal("cli-revoke-0001", answer.GetProperty("sub").GetString());
        Assert.Equal("acme", answer.GetProperty("tenant").GetString());
        var table = await fixture.RunAsync("token", "introspect", token);
        Assert.Contains("cli-revoke-0001", table.Output, StringComparison.Ordinal);

        var viewer = await fixture.RunAsync("key", "create", "cli-viewer", "--role", "viewer", "--json");
        Assert.True(viewer.ExitCode == 0, viewer.ToString());
        var viewerKey = JsonDocument.Parse(viewer.Output).RootElement.GetProperty("key").GetString()!;
        var refused = await fixture.RunAsync("--admin-key", viewerKey, "token", "revoke", token);
        Assert.Equal(14, refused.ExitCode);
        Assert.Contains("insufficient_scope", refused.Error, StringComparison.Ordinal);

        var revoked = await fixture.RunAsync("token", "revoke", token, "--json");
        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        Assert.True(JsonDocument.Parse(revoked.Output).RootElement.GetProperty("revoked").GetBoolean());

        var inactive = await fixture.RunAsync("token", "introspect", token, "--json");
        Assert.True(inactive.ExitCode == 0, inactive.ToString());
        var property = Assert.Single(JsonDocument.Parse(inactive.Output).RootElement.EnumerateObject());
        Assert.Equal(("active", JsonValueKind.False), (property.Name, property.Value.ValueKind));
    }
}

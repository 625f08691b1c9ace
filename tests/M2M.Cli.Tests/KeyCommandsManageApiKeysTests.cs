using System.Text.Json;
using M2M.Cli.Tests.Support;

namespace M2M.Cli.Tests;

/// <summary>
/// <c>m2m key ...</c> against the real gateway over loopback: a key is printed once by create and
/// rotate, works at once with <c>--admin-key</c>, is confined by its role (exit 14) and stops at
/// revocation (exit 3); the last admin key cannot be revoked (exit 5); <c>--json</c> is the gateway's JSON.
/// </summary>
public sealed class KeyCommandsManageApiKeysTests(CliGatewayFixture fixture) : IClassFixture<CliGatewayFixture>
{
    [Fact]
    public async Task AKeyIsCreatedShownOnceUsedConfinedAndRevoked()
    {
        var created = await fixture.RunAsync("--json", "key", "create", "cli viewer", "--role", "viewer", "--tenant", "acme", "--expires-in", "1.00:00:00");
        Assert.True(created.ExitCode == 0, created.ToString());
        var key = JsonDocument.Parse(created.Output).RootElement;
        var id = key.GetProperty("id").GetString()!;
        var secret = key.GetProperty("key").GetString()!;
        Assert.Equal(["viewer"], key.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("acme", key.GetProperty("tenant").GetString());
        Assert.Equal(JsonValueKind.String, key.GetProperty("expiresAt").ValueKind);

        var table = await fixture.RunAsync("key", "list");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains(id, table.Output, StringComparison.Ordinal);
        Assert.Contains("cli viewer", table.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, table.Output, StringComparison.Ordinal);

        // The new key reads devices, and is refused what its role does not allow.
        var read = await M2mProcess.RunAsync("--gateway", fixture.Url, "--admin-key", secret, "device", "list");
        Assert.True(read.ExitCode == 0, read.ToString());
        var refused = await M2mProcess.RunAsync("--gateway", fixture.Url, "--admin-key", secret, "key", "list");
        Assert.Equal(14, refused.ExitCode);
        Assert.Contains("(missing_role)", refused.Error, StringComparison.Ordinal);

        var revoked = await fixture.RunAsync("--json", "key", "revoke", id);
        Assert.Equal("revoked", JsonDocument.Parse(revoked.Output).RootElement.GetProperty("state").GetString());
        Assert.Equal(3, (await M2mProcess.RunAsync("--gateway", fixture.Url, "--admin-key", secret, "device", "list")).ExitCode);
    }

    [Fact]
    public async Task RotatePrintsTheNewKeyOnceAndTheLastAdminKeyCannotBeRevoked()
    {
        var created = JsonDocument.Parse((await fixture.RunAsync("--json", "key", "create", "rotated", "--role", "operator")).Output).RootElement;
        var rotated = await fixture.RunAsync("key", "rotate", created.GetProperty("id").GetString()!);
        Assert.True(rotated.ExitCode == 0, rotated.ToString());
        Assert.Contains("shown only this once", rotated.Output, StringComparison.Ordinal);
        Assert.Matches("m2m_key_[A-Za-z0-9_-]{43}", rotated.Output);

        var bootstrap = JsonDocument.Parse((await fixture.RunAsync("--json", "key", "list")).Output).RootElement.EnumerateArray()
            .Single(k => k.GetProperty("name").GetString() == "bootstrap").GetProperty("id").GetString()!;
        var last = await fixture.RunAsync("key", "revoke", bootstrap);
        Assert.Equal(5, last.ExitCode);
        Assert.Contains("(last_admin_key)", last.Error, StringComparison.Ordinal);
    }
}

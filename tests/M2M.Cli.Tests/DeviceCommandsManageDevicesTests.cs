using System.Buffers.Text;
using System.Text.Json;
using M2M.Cli.Tests.Support;

namespace M2M.Cli.Tests;

/// <summary>
/// <c>m2m device ...</c> against the real gateway over loopback: tables for people, the gateway's
/// JSON with <c>--json</c>, and the secret printed only by add and rotate.
/// </summary>
public sealed class DeviceCommandsManageDevicesTests(CliGatewayFixture fixture) : IClassFixture<CliGatewayFixture>
{
    [Fact]
    public async Task AddPrintsTheDeviceAndItsSecretOnceSayingSo()
    {
        var result = await fixture.RunAsync("device", "add", "cli-add-0001", "--tenant", "acme", "--role", "reader", "--role", "ops");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("cli-add-0001", result.Output, StringComparison.Ordinal);
        Assert.Contains("reader, ops", result.Output, StringComparison.Ordinal);
        Assert.Contains("shown only this once", result.Output, StringComparison.Ordinal);
        var secret = SecretIn(result.Output);
        Assert.Equal(32, Base64Url.DecodeFromChars(secret).Length);
        Assert.Empty(result.Error);

        var shown = await fixture.RunAsync("device", "show", "cli-add-0001");
        var listed = await fixture.RunAsync("device", "list");
        Assert.DoesNotContain(secret, shown.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("shown only this once", shown.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonOutputIsTheGatewaysJson()
    {
        var added = await fixture.RunAsync("--json", "device", "add", "cli-json-0001", "--tenant", "acme");
        Assert.True(added.ExitCode == 0, added.ToString());
        var device = JsonDocument.Parse(added.Output).RootElement;
        Assert.Equal("cli-json-0001", device.GetProperty("id").GetString());
        Assert.Equal(43, device.GetProperty("secret").GetString()!.Length);
        Assert.Empty(device.GetProperty("roles").EnumerateArray());

        var list = JsonDocument.Parse((await fixture.RunAsync("device", "list", "--json")).Output).RootElement;
        var listed = list.EnumerateArray().Single(d => d.GetProperty("id").GetString() == "cli-json-0001");
        Assert.False(listed.TryGetProperty("secret", out _));
        Assert.Equal(1, listed.GetProperty("credentialGeneration").GetInt64());

        var shown = JsonDocument.Parse((await fixture.RunAsync("device", "show", "cli-json-0001", "--json")).Output).RootElement;
        Assert.Equal("acme", shown.GetProperty("tenant").GetString());
        Assert.True(DateTimeOffset.TryParse(shown.GetProperty("createdAt").GetString(), out _));

        var deleted = JsonDocument.Parse((await fixture.RunAsync("device", "delete", "cli-json-0001", "--json")).Output).RootElement;
        Assert.True(deleted.GetProperty("deleted").GetBoolean());
    }

    [Fact]
    public async Task ListShowsATableRowPerDevice()
    {
        Assert.Equal(0, (await fixture.RunAsync("device", "add", "cli-list-0001", "--tenant", "tenant-a")).ExitCode);
        Assert.Equal(0, (await fixture.RunAsync("device", "add", "cli-list-0002", "--tenant", "tenant-b")).ExitCode);

        var result = await fixture.RunAsync("device", "list");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("TENANT", result.Output, StringComparison.Ordinal);
        var rows = result.Output.Split('\n');
        Assert.Contains(rows, r => r.Contains("cli-list-0001", StringComparison.Ordinal) && r.Contains("tenant-a", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains("cli-list-0002", StringComparison.Ordinal) && r.Contains("tenant-b", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DisableEnableRotateAndDeleteChangeTheDevice()
    {
        var added = JsonDocument.Parse((await fixture.RunAsync("device", "add", "cli-ops-0001", "--tenant", "acme", "--json")).Output).RootElement;

        var disabled = JsonDocument.Parse((await fixture.RunAsync("device", "disable", "cli-ops-0001", "--json")).Output).RootElement;
        Assert.False(disabled.GetProperty("enabled").GetBoolean());
        var enabled = await fixture.RunAsync("device", "enable", "cli-ops-0001");
        Assert.Equal(0, enabled.ExitCode);
        Assert.Contains("yes", enabled.Output, StringComparison.Ordinal);

        var rotated = await fixture.RunAsync("device", "rotate", "cli-ops-0001");
        Assert.Equal(0, rotated.ExitCode);
        Assert.Contains("shown only this once", rotated.Output, StringComparison.Ordinal);
        Assert.NotEqual(added.GetProperty("secret").GetString(), SecretIn(rotated.Output));
        var shown = JsonDocument.Parse((await fixture.RunAsync("device", "show", "cli-ops-0001", "--json")).Output).RootElement;
        Assert.Equal(2, shown.GetProperty("credentialGeneration").GetInt64());

        var deleted = await fixture.RunAsync("device", "delete", "cli-ops-0001");
        Assert.Equal(0, deleted.ExitCode);
        Assert.Contains("Deleted device cli-ops-0001", deleted.Output, StringComparison.Ordinal);
        Assert.Equal(4, (await fixture.RunAsync("device", "show", "cli-ops-0001")).ExitCode);
    }

    // The secret is the only 43-character base64url word on its own line.
    private static string SecretIn(string output) =>
        output.Split('\n').Select(l => l.Trim()).Single(l => l.Length == 43 && l.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
}

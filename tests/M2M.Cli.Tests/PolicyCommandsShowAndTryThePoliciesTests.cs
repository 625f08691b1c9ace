using System.Text.Json;
using M2M.Cli.Tests.Support;
using M2M.Gateway.Tests.Support;

namespace M2M.Cli.Tests;

/// <summary>
/// <c>m2m policy list|test</c> against a real gateway with one expression policy: the list shows it
/// (table and <c>--json</c>), a described request it refuses exits 16 naming it, one it allows exits 0.
/// </summary>
public sealed class PolicyCommandsShowAndTryThePoliciesTests : IAsyncLifetime
{
    private AdminGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await AdminGateway.StartAsync(null,
        "--Gateway:Policies:0:Name", "acme-keys-keep-devices",
        "--Gateway:Policies:0:Actions:0", "devices.delete",
        "--Gateway:Policies:0:Expression", "!(principal.kind == 'key' && principal.tenant == 'acme')");

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private Task<CliResult> RunAsync(params string[] arguments) =>
        M2mProcess.RunAsync(["--gateway", _gateway.Process.BaseAddress.ToString(), "--admin-key", _gateway.AdminKey, .. arguments]);

    [Fact]
    public async Task TheLoadedPolicyIsListedAndARequestItRefusesExits16()
    {
        var table = await RunAsync("policy", "list");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("acme-keys-keep-devices", table.Output, StringComparison.Ordinal);

        var json = await RunAsync("--json", "policy", "list");
        Assert.Equal(["devices.delete"], JsonDocument.Parse(json.Output).RootElement[0].GetProperty("actions").EnumerateArray().Select(a => a.GetString()));

        var refused = await RunAsync("--json", "policy", "test", "--action", "devices.delete", "--kind", "key", "--tenant", "acme", "--role", "operator");
        Assert.Equal(16, refused.ExitCode);
        Assert.Equal("acme-keys-keep-devices", JsonDocument.Parse(refused.Output).RootElement.GetProperty("policy").GetString());
        Assert.Contains("acme-keys-keep-devices", refused.Error, StringComparison.Ordinal);

        var allowed = await RunAsync("policy", "test", "--action", "devices.delete", "--kind", "key", "--tenant", "globex");
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        Assert.Contains("allowed", allowed.Output, StringComparison.Ordinal);
    }
}

using M2M.Console.Tests.Support;
using M2M.Testing;
using Microsoft.Playwright;

namespace M2M.Console.Tests;

/// <summary>
/// The console acts through the admin API's own code, so the expression policies (docs/policies.md)
/// judge its actions as they judge the API's: with the policy "tenant acme keys may not delete
/// devices", an acme operator's delete in the console is refused with 403 <c>policy_denied</c>, the
/// policy's name and reason shown in the problem box, the device kept, and the refusal audited as
/// <c>access.denied</c> with the policy, exactly as the API answers the same key; what the policy
/// does not name (disable) still works.
/// </summary>
public sealed class AnExpressionPolicyRefusesAConsoleActionAsItRefusesTheApiTests : ConsoleTest
{
    protected override string[] GatewayArguments =>
    [
        "--Gateway:Policies:0:Name", "acme-keys-keep-devices",
        "--Gateway:Policies:0:Actions:0", "devices.delete",
        "--Gateway:Policies:0:Expression", "!(principal.kind == 'key' && principal.tenant == 'acme')",
        "--Gateway:Policies:0:Description", "tenant acme keys may not delete devices",
    ];

    [Fact]
    public async Task TheDeleteIsRefusedWithThePolicysReasonAndTheDeviceKept()
    {
        await Gateway.AddDeviceAsync("acme-0001", "acme");
        var (operatorId, operatorKey) = await Gateway.Api.CreateKeyAsync("acme operations", ["operator"], "acme");
        var page = await Browser.NewPageAsync(Gateway);
        await ConsoleBrowser.SignInAsync(page, operatorKey);

        await page.GotoAsync("/console/devices/acme-0001?confirm=delete");
        var answer = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Yes, delete" }).ClickAsync(),
            r => r.Request.Method == "POST");
        Assert.Equal(403, answer.Status);
        var problem = page.GetByRole(AriaRole.Alert);
        await Assertions.Expect(problem).ToContainTextAsync("policy_denied");
        await Assertions.Expect(problem).ToContainTextAsync("acme-keys-keep-devices");
        await Assertions.Expect(problem).ToContainTextAsync("tenant acme keys may not delete devices");
        await Assertions.Expect(page.Locator("#device-status")).ToHaveTextAsync("offline");

        // The device is still registered, and the refusal is audited as the API's is.
        using var kept = await Gateway.Admin.GetAsync(new Uri("/admin/v1/devices/acme-0001", UriKind.Relative));
        Assert.True(kept.IsSuccessStatusCode);
        var denied = Gateway.AuditLines().Single(l => l.GetProperty("action").GetString() == "access.denied");
        Assert.Equal(operatorId, denied.GetProperty("actor").GetString());
        Assert.Equal("policy_denied", denied.GetProperty("outcome").GetString());
        Assert.Equal("devices.delete policy:acme-keys-keep-devices", denied.GetProperty("target").GetString());
        Assert.DoesNotContain(Gateway.AuditLines(), l => l.GetProperty("action").GetString() == "device.delete");

        // What the policy does not name is allowed.
        await page.GotoAsync("/console/devices/acme-0001?confirm=disable");
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, disable" }).ClickAsync();
        await Assertions.Expect(page.Locator("#device-status")).ToHaveTextAsync("disabled");
        await Eventually.TrueAsync(() => Gateway.AuditLines().Any(l => l.GetProperty("action").GetString() == "device.disable" && l.GetProperty("outcome").GetString() == "ok"), "the disable is audited");
    }
}
